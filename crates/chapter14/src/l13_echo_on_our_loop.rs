//! Listing 14.13 — Chapter 3's echo server on our own event loop (14.12).
//!
//! The same server as 3.8, line for line, with `accept`, `read`,
//! `write_all`, `spawn` and `sleep` from 14.12 instead of Tokio's: one
//! thread, one epoll, a task per connection. The book's version reads and
//! prints; this one echoes, so chapter 3's `load` tool can check every byte
//! and time it against Tokio (`compare runtimes`). Our loop has no Tokio, so
//! it has no `shared_util::net::Acceptor` either: when `accept` fails (out
//! of file descriptors) it logs once, sleeps 100 ms on its own timer and
//! tries again, keeping the connections it has. `--demo` runs three
//! clients against it and ends with what they showed: how many it served
//! at once, on how many threads, and that no Tokio runtime was there to
//! help; `--timeline` draws each connection and client.
//!
//! Run: cargo run -p chapter14 -- 14.13
//! (then: cargo run --release -p chapter03 -- load --addr 127.0.0.1:8000)

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use shared_util::net::{BACK_OFF, bind_loopback_backlog};
use shared_util::{Ctx, span};

use crate::l12_event_loop::{EventLoop, TcpListener, TcpStream, sleep, spawn};

/// What the demo's closing line reports, counted by the server itself.
static OPEN: AtomicUsize = AtomicUsize::new(0);
static PEAK_OPEN: AtomicUsize = AtomicUsize::new(0);
/// The threads that ran a connection, and whether any had a Tokio runtime.
static THREADS: Mutex<Option<HashSet<ThreadId>>> = Mutex::new(None);
static SAW_TOKIO: AtomicUsize = AtomicUsize::new(0);

/// Counts a connection open (and where it runs) until it is dropped.
struct Served;

impl Served {
    fn open() -> Self {
        let open = OPEN.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK_OPEN.fetch_max(open, Ordering::SeqCst);
        let mut threads = THREADS.lock().unwrap_or_else(|e| e.into_inner());
        threads
            .get_or_insert_with(HashSet::new)
            .insert(std::thread::current().id());
        if tokio::runtime::Handle::try_current().is_ok() {
            SAW_TOKIO.fetch_add(1, Ordering::SeqCst);
        }
        Served
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        OPEN.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn echo(mut connection: TcpStream) -> std::io::Result<()> {
    let _served = Served::open();
    let mut buffer = [0u8; 1024];
    loop {
        let n = connection.read(&mut buffer).await?;
        if n == 0 {
            return Ok(()); // the client closed its side
        }
        connection.write_all(&buffer[..n]).await?;
    }
}

async fn listen_for_connections(server_socket: TcpListener) {
    // When the last failure was logged, so a lasting one is logged once a minute.
    let mut logged: Option<Instant> = None;
    let mut failures = 0u64;
    loop {
        match server_socket.accept().await {
            Ok((connection, address)) => {
                let _ = connection.set_nodelay(true);
                println!("Got a connection from {address}");
                drop(spawn(span(format!("echo({address})"), async move {
                    if let Err(error) = echo(connection).await {
                        println!("connection {address} failed: {error}");
                    }
                })));
            }
            Err(error) => {
                failures += 1;
                if logged.is_none_or(|at| at.elapsed() >= Duration::from_secs(60)) {
                    println!(
                        "accept failed: {error} ({failures} time(s)); still serving open connections, retrying every {} ms",
                        BACK_OFF.as_millis()
                    );
                    logged = Some(Instant::now());
                    failures = 0;
                }
                sleep(BACK_OFF).await;
            }
        }
    }
}

/// Three clients at once, each sending two lines (as 3.8's demo).
async fn demo_clients(address: SocketAddr) -> anyhow::Result<()> {
    let clients: Vec<_> = ["A", "B", "C"]
        .into_iter()
        .map(|name| {
            spawn(span(format!("client {name}"), async move {
                let mut stream = TcpStream::connect(address).await?;
                for n in 1..=2 {
                    let line = format!("{name}{n}\r\n");
                    stream.write_all(line.as_bytes()).await?;
                    let mut echo = vec![0; line.len()];
                    let mut got = 0;
                    while got < echo.len() {
                        match stream.read(&mut echo[got..]).await? {
                            0 => anyhow::bail!("the server closed the connection"),
                            n => got += n,
                        }
                    }
                    println!("client {name} got back b\"{}\"", echo.escape_ascii());
                }
                anyhow::Ok(())
            }))
        })
        .collect();
    for client in clients {
        client.await?;
    }
    // Each server-side task ends when it reads its client's close.
    let bound = Instant::now() + Duration::from_secs(5);
    while OPEN.load(Ordering::SeqCst) > 0 && Instant::now() < bound {
        sleep(Duration::from_millis(1)).await;
    }
    let threads = THREADS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map_or(0, HashSet::len);
    let tokio = match SAW_TOKIO.load(Ordering::SeqCst) {
        0 => "no Tokio runtime",
        _ => "a Tokio runtime (unexpected!)",
    };
    println!(
        "{} clients served at once by our own loop, on {threads} thread(s), with {tokio} inside",
        PEAK_OPEN.load(Ordering::SeqCst)
    );
    Ok(())
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let port = match (ctx.flags.port, ctx.flags.demo) {
        (Some(port), _) => port,
        (None, true) => 0,
        (None, false) => 8000,
    };
    let listener = bind_loopback_backlog(port, 1024)?;
    let address = listener.local_addr()?;
    let mut event_loop = EventLoop::new()?;
    event_loop.block_on(async {
        let server_socket = TcpListener::from_std(listener)?;
        // Announced once the loop and the listener are ready.
        shared_util::net::announce(
            address,
            ctx.flags.demo,
            "type a line, see it echoed; Ctrl-C stops the server",
        );
        if !ctx.flags.demo {
            listen_for_connections(server_socket).await;
            return Ok(());
        }
        drop(spawn(listen_for_connections(server_socket)));
        demo_clients(address).await
    })
}
