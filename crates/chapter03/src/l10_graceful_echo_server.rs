//! Listing 3.10 — One client's failure stays its own; shutdown is graceful.
//!
//! A client that sends `boom` makes its own task fail; the error is logged
//! and every other connection carries on (a failed Tokio task never takes
//! the runtime down). On SIGINT or SIGTERM the server stops accepting,
//! gives open connections 2 s to finish, then cancels what is left and
//! exits 0. Tokio-util's `TaskTracker` counts the connection tasks and
//! `CancellationToken` tells them to stop, where the book uses `wait_for`
//! on a set of tasks. Idle connections hold no read buffer, so thousands
//! cost little. Try `nc 127.0.0.1 8000`, type `boom`, then Ctrl-C.
//!
//! Run: cargo run -p chapter03 -- 3.10

use std::net::SocketAddr;
use std::time::Duration;

use shared_util::Ctx;
use shared_util::net::bind_loopback_async;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::serving::{announce, server_port, show};
use shared_util::net::Acceptor;

const GRACE_PERIOD: Duration = Duration::from_secs(2);

async fn echo(mut connection: TcpStream) -> anyhow::Result<()> {
    loop {
        // Wait for bytes before taking a buffer: an idle connection costs
        // a few hundred bytes of task, not 16 KiB.
        connection.readable().await?;
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            let n = match connection.try_read(&mut buffer) {
                Ok(0) => return Ok(()), // the client closed its side
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(e.into()),
            };
            println!("got data!");
            if buffer[..n].trim_ascii_end() == b"boom" {
                anyhow::bail!("unexpected network error (the client sent b\"boom\")");
            }
            connection.write_all(&buffer[..n]).await?;
        }
    }
}

async fn listen_for_connections(
    listener: TcpListener,
    tracker: TaskTracker,
    stop: CancellationToken,
) {
    let mut acceptor = Acceptor::new(listener); // backs off on accept errors
    loop {
        let (connection, address) = acceptor.accept().await;
        println!("Got a connection from {address}");
        let stop = stop.clone();
        tracker.spawn(async move {
            tokio::select! {
                result = echo(connection) => if let Err(error) = result {
                    println!("connection {address} failed: {error}");
                },
                () = stop.cancelled() => println!("closing connection {address}"),
            }
        });
    }
}

/// A keeps echoing while B sends `boom`; then the demo asks for shutdown
/// with A still connected.
async fn demo_clients(address: SocketAddr) -> anyhow::Result<()> {
    async fn say(stream: &mut TcpStream, name: &str, line: &[u8]) -> anyhow::Result<()> {
        stream.write_all(line).await?;
        let mut echo = vec![0; line.len()];
        match stream.read_exact(&mut echo).await {
            Ok(_) => println!("client {name} got back {}", show(&echo)),
            Err(e) => println!(
                "client {name} sent {} and lost its connection: {e}",
                show(line)
            ),
        }
        Ok(())
    }
    let mut a = TcpStream::connect(address).await?;
    let mut b = TcpStream::connect(address).await?;
    say(&mut a, "A", b"hello\r\n").await?;
    say(&mut b, "B", b"boom\r\n").await?;
    say(&mut a, "A", b"still here\r\n").await?;
    println!("(demo: sending ourselves SIGINT with client A still connected)");
    shared_util::signals::raise_own(nix::sys::signal::Signal::SIGINT)?;
    tokio::time::sleep(GRACE_PERIOD * 2).await; // A stays; the server closes it
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    // Ours until `run` returns; then Ctrl-C has its default action again.
    let _handling = shared_util::signals::handle();
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let listener = bind_loopback_async(server_port(ctx)).await?;
    let address = listener.local_addr()?;
    announce(address, ctx);
    if ctx.flags.demo {
        tokio::spawn(demo_clients(address));
    }

    let tracker = TaskTracker::new();
    let stop = CancellationToken::new();
    let name = tokio::select! {
        () = listen_for_connections(listener, tracker.clone(), stop.clone()) => unreachable!(),
        _ = interrupt.recv() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    };
    // The listener was dropped with the accept loop: no new connections.
    println!(
        "Got a {name}: no longer accepting; {} open connection(s) have {} s to finish",
        tracker.len(),
        GRACE_PERIOD.as_secs()
    );
    tracker.close();
    if tokio::time::timeout(GRACE_PERIOD, tracker.wait())
        .await
        .is_err()
    {
        let open = tracker.len();
        stop.cancel();
        tracker.wait().await;
        println!("closed {open} connection(s) still open after the grace period");
    } else {
        println!("every connection finished within the grace period");
    }
    println!("server stopped");
    Ok(())
}
