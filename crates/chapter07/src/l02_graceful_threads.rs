//! Listing 7.2 — The thread-per-connection server, shut down cleanly.
//!
//! On SIGINT or SIGTERM every client still connected gets `Shutting down!`
//! and its socket is shut down *from the main thread*, which makes the
//! blocked `read` in its thread return 0; then every thread is joined and
//! the process exits 0. The book subclasses `Thread`; here a connection is
//! its socket handle plus its `JoinHandle`. Only the main thread sees
//! Python's KeyboardInterrupt; in Rust a signal goes to whichever thread,
//! so a small Tokio runtime on a helper thread awaits it and wakes the
//! blocked `accept` by connecting to it once. Try `nc 127.0.0.1 8000`.
//!
//! Run: cargo run -p chapter07 -- 7.2

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use shared_util::Ctx;
use shared_util::net::bind_loopback;

use crate::serving::{server_port, show};

/// A client and the thread echoing for it (the book's `ClientEchoThread`).
struct ClientEchoThread {
    socket: TcpStream,
    address: SocketAddr,
    thread: JoinHandle<()>,
}

fn echo(mut client: TcpStream, address: SocketAddr) {
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

impl ClientEchoThread {
    /// Says goodbye and shuts the socket down, unless the client already left.
    fn close(&self) {
        if self.thread.is_finished() {
            return println!("{}: already gone, skipped", self.address);
        }
        // Bounded, and the socket is shut down whatever happens: a client
        // that stopped reading must not stall the shutdown.
        let _ = self.socket.set_write_timeout(Some(Duration::from_secs(1)));
        let goodbye = (&self.socket).write_all(b"Shutting down!");
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
    nix::sys::signal::raise(nix::sys::signal::Signal::SIGINT)?;
    let mut goodbye = String::new();
    a.read_to_string(&mut goodbye)?; // until the server shuts the socket
    println!("client A got {goodbye:?}, then end of file");
    Ok(())
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let server = bind_loopback(server_port(ctx))?;
    let address = server.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    watch_signals(address, Arc::clone(&stop))?;
    shared_util::net::announce(address, ctx.demo, "Ctrl-C stops the server");
    let demo = ctx
        .demo
        .then(|| std::thread::spawn(move || demo_clients(address)));

    let mut clients = Vec::new();
    loop {
        let (connection, peer) = server.accept()?;
        if stop.load(Ordering::SeqCst) {
            break; // the wake-up connection from the signal thread
        }
        let _ = connection.set_nodelay(true); // no delayed-ACK stalls (Nagle)
        let socket = connection.try_clone()?;
        let thread = std::thread::spawn(move || echo(connection, peer));
        clients.push(ClientEchoThread {
            socket,
            address: peer,
            thread,
        });
    }
    for client in &clients {
        client.close();
    }
    for client in clients {
        let _ = client.thread.join();
    }
    if let Some(demo) = demo {
        demo.join()
            .map_err(|_| anyhow::anyhow!("demo client panicked"))??;
    }
    println!("every thread joined; bye");
    Ok(())
}
