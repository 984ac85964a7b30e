//! Listing 7.2 — The thread-per-connection server, shut down cleanly.
//!
//! On SIGINT or SIGTERM every client still connected gets `Shutting down!`
//! and its socket is shut down *from the main thread*, which makes the
//! blocked `read` in its thread return 0; then every thread is joined and
//! the process exits 0. The book subclasses `Thread`; here both threads
//! share the socket (`Arc<TcpStream>`, one descriptor), and a client's
//! thread forgets it when the client leaves, so its socket closes at once.
//! Only the main thread sees Python's KeyboardInterrupt; in Rust a signal
//! goes to whichever thread, so a small Tokio runtime on a helper thread
//! awaits it and wakes the blocked `accept` by connecting to it once.
//! Try `nc 127.0.0.1 8000`.
//!
//! Run: cargo run -p chapter07 -- 7.2

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use shared_util::Ctx;
use shared_util::net::{BlockingAcceptor, bind_loopback};

use crate::serving::{server_port, show};

/// A connected client: the socket its thread echoes on, shared with the
/// main thread, which shuts it down (the book's `ClientEchoThread`).
struct ClientEchoThread {
    socket: Arc<TcpStream>,
    address: SocketAddr,
}

/// The clients still connected; each thread removes its own when it ends.
type Connected = Arc<Mutex<HashMap<SocketAddr, ClientEchoThread>>>;

fn echo(mut client: &TcpStream, address: SocketAddr) {
    let mut buffer = [0u8; 2048];
    loop {
        match client.read(&mut buffer) {
            Ok(0) => break println!("{address}: connection closed, thread ending"),
            Ok(n) => {
                println!("Received {}, sending!", show(&buffer[..n]));
                if let Err(e) = client.write_all(&buffer[..n]) {
                    break println!("{address}: thread interrupted by {e}, ending");
                }
            }
            Err(e) => break println!("{address}: thread interrupted by {e}, ending"),
        }
    }
}

/// Echoes for one client, then forgets it: with the main thread's share
/// gone too, the socket closes.
fn serve(client: Arc<TcpStream>, address: SocketAddr, connected: Connected) {
    echo(&client, address);
    connected
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&address);
}

impl ClientEchoThread {
    /// Says goodbye and shuts the socket down.
    fn close(&self) {
        // Bounded, and the socket is shut down whatever happens: a client
        // that stopped reading must not stall the shutdown.
        let _ = self.socket.set_write_timeout(Some(Duration::from_secs(1)));
        let goodbye = (&*self.socket).write_all(b"Shutting down!");
        let shut = self.socket.shutdown(Shutdown::Both);
        match goodbye.and(shut) {
            Ok(()) => println!("{}: sent Shutting down! and shut the socket", self.address),
            Err(e) => println!("{}: left meanwhile ({e}), skipped", self.address),
        }
    }
}

/// Waits for SIGINT/SIGTERM on a helper thread; on one, raises `stop` and
/// connects to the server once so its blocking `accept` returns.
fn watch_signals(server: SocketAddr, stop: Arc<AtomicBool>) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let (ready, registered) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        let result = runtime.map_err(anyhow::Error::from).and_then(|rt| {
            let mut int = rt.block_on(async { signal(SignalKind::interrupt()) })?;
            let mut term = rt.block_on(async { signal(SignalKind::terminate()) })?;
            let _ = ready.send(Ok(()));
            let name = rt.block_on(async {
                tokio::select! { _ = int.recv() => "SIGINT", _ = term.recv() => "SIGTERM" }
            });
            println!("Got {name}: shutting down");
            stop.store(true, Ordering::SeqCst);
            TcpStream::connect(server)?; // wakes the accept loop
            Ok(())
        });
        if let Err(e) = result {
            let _ = ready.send(Err(e));
        }
    });
    registered.recv()?
}

/// `--demo`: A and B say hello, B leaves, then we signal ourselves.
fn demo_clients(address: SocketAddr) -> anyhow::Result<()> {
    let connect = || -> anyhow::Result<TcpStream> {
        let mut s = TcpStream::connect(address)?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        s.write_all(b"hello\r\n")?;
        s.read_exact(&mut [0u8; 7])?;
        Ok(s)
    };
    let mut a = connect()?;
    drop(connect()?); // B leaves
    std::thread::sleep(Duration::from_millis(200)); // let B's thread notice
    println!("(demo: sending ourselves SIGINT with client A connected)");
    shared_util::signals::raise_own(nix::sys::signal::Signal::SIGINT)?;
    let mut goodbye = String::new();
    a.read_to_string(&mut goodbye)?; // until the server shuts the socket
    println!("client A got {goodbye:?}, then end of file");
    Ok(())
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    // Our handlers until `run` returns (see shared_util::signals).
    let _handling = shared_util::signals::handle();
    let server = bind_loopback(server_port(ctx))?;
    let address = server.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    watch_signals(address, Arc::clone(&stop))?;
    shared_util::net::announce(address, ctx.flags.demo, "Ctrl-C stops the server");
    let demo = ctx
        .flags
        .demo
        .then(|| std::thread::spawn(move || demo_clients(address)));

    let connected = Connected::default();
    let mut threads: Vec<JoinHandle<()>> = Vec::new();
    // Backs off and retries when out of file descriptors (sets TCP_NODELAY).
    let mut acceptor = BlockingAcceptor::new(server);
    while let Some((connection, peer)) = acceptor.accept_until(|| stop.load(Ordering::SeqCst)) {
        if stop.load(Ordering::SeqCst) {
            break; // the wake-up connection from the signal thread
        }
        // Threads of clients that left are joined now, not at shutdown.
        threads.retain(|t| !t.is_finished());
        let connection = Arc::new(connection);
        let client = ClientEchoThread {
            socket: Arc::clone(&connection),
            address: peer,
        };
        let list = Arc::clone(&connected);
        list.lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(peer, client);
        match std::thread::Builder::new().spawn(move || serve(connection, peer, list)) {
            Ok(thread) => threads.push(thread),
            Err(e) => {
                println!("{peer}: no thread for it ({e}); closing it");
                connected
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&peer);
            }
        }
    }
    // Taken out first: a thread that ends meanwhile must not wait for us.
    let clients: Vec<ClientEchoThread> = connected
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .drain()
        .map(|(_, client)| client)
        .collect();
    for client in &clients {
        client.close();
    }
    drop(clients);
    for thread in threads {
        let _ = thread.join();
    }
    if let Some(demo) = demo {
        demo.join()
            .map_err(|_| anyhow::anyhow!("demo client panicked"))??;
    }
    println!("every thread joined; bye");
    Ok(())
}
