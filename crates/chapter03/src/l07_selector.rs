//! Listing 3.7 — An echo server on a selector (mio, epoll underneath).
//!
//! Python's `selectors` module and Rust's `mio` both wrap epoll: register
//! sockets, then sleep in one `poll` call until some are ready, with a
//! timeout (1 s here) so the loop can say `No events, waiting a bit more!`.
//! mio reports readiness edge-triggered, so each ready socket is read until
//! `WouldBlock`, and bytes the client cannot take yet wait for writability.
//! Idle, the server uses almost no CPU (compare 3.6); Tokio's reactor is this loop.
//! The trap in edge-triggered readiness: an event means the state *changed*.
//! If `accept` fails with clients still queued (out of file descriptors),
//! no new event comes for them, ever; so the loop remembers the failure and
//! retries every 100 ms. Python's level-triggered `select` would simply
//! report the listener again.
//!
//! Run: cargo run -p chapter03 -- 3.7
//! (--demo drives it with a scripted client, then stops)

use std::collections::HashMap;
use std::io::{ErrorKind, Read as _, Write as _};
use std::time::Duration;

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use shared_util::Ctx;
use shared_util::net::bind_loopback;

use crate::serving::{self, CpuMeter, announce, server_port, show};

const SERVER: Token = Token(0);

/// How soon a failed `accept` is tried again.
const RETRY_ACCEPT: Duration = Duration::from_millis(100);

/// A client and the bytes read from it that are not yet echoed.
struct Connection {
    stream: TcpStream,
    unsent: Vec<u8>,
}

/// Echoes until the socket would block either way; false when the client left.
fn on_ready(connection: &mut Connection) -> std::io::Result<bool> {
    let mut data = [0u8; 4096];
    loop {
        while !connection.unsent.is_empty() {
            match connection.stream.write(&connection.unsent) {
                Ok(n) => drop(connection.unsent.drain(..n)),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(true), // wait: writable
                Err(e) => return Err(e),
            }
        }
        match connection.stream.read(&mut data) {
            Ok(0) => return Ok(false),
            Ok(n) => {
                println!("I got some data: {}", show(&data[..n]));
                connection.unsent.extend_from_slice(&data[..n]);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(true), // wait: readable
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Accepts until the queue is empty (`WouldBlock`); returns the error that
/// stopped it early, if one did (clients may still be queued then).
fn accept_all(
    server_socket: &TcpListener,
    selector: &Poll,
    connections: &mut HashMap<Token, Connection>,
    next_token: &mut usize,
) -> Option<std::io::Error> {
    loop {
        match server_socket.accept() {
            Ok((mut stream, client_address)) => {
                println!("I got a connection from {client_address}!");
                // Echoed pieces go out at once, not after a delayed ACK (Nagle).
                let _ = stream.set_nodelay(true);
                *next_token += 1;
                let token = Token(*next_token);
                let interest = Interest::READABLE | Interest::WRITABLE;
                if let Err(e) = selector.registry().register(&mut stream, token, interest) {
                    println!("could not watch {client_address}: {e}; closing it");
                    continue;
                }
                let unsent = Vec::new();
                connections.insert(token, Connection { stream, unsent });
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return None,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Some(e),
        }
    }
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let std_listener = bind_loopback(server_port(ctx))?;
    std_listener.set_nonblocking(true)?;
    let mut server_socket = TcpListener::from_std(std_listener);
    let address = server_socket.local_addr()?;
    announce(address, ctx);
    let mut client = ctx.flags.demo.then(|| {
        serving::spawn_client(move || {
            let mut stream = serving::connect(address)?;
            println!(
                "the client got back {}",
                show(&serving::round_trip(&mut stream, b"hello\r\n")?)
            );
            Ok(())
        })
    });

    let mut selector = Poll::new()?;
    selector
        .registry()
        .register(&mut server_socket, SERVER, Interest::READABLE)?;
    let mut events = Events::with_capacity(1024);
    let mut connections: HashMap<Token, Connection> = HashMap::new();
    let mut next_token = 0;
    let mut meter = CpuMeter::start();
    // Set when `accept` failed with connections still queued: retried
    // every RETRY_ACCEPT, because the listener will not report them again.
    let mut accept_failed = false;
    loop {
        let wait = if accept_failed {
            RETRY_ACCEPT
        } else {
            Duration::from_secs(1)
        };
        selector.poll(&mut events, Some(wait))?;
        if events.is_empty() && !accept_failed {
            println!("No events, waiting a bit more!");
        }
        if accept_failed || events.iter().any(|e| e.token() == SERVER) {
            let failure = accept_all(&server_socket, &selector, &mut connections, &mut next_token);
            match (&failure, accept_failed) {
                (Some(e), false) => println!(
                    "accept failed: {e}; retrying every {} ms (no new event will come for the clients still queued)",
                    RETRY_ACCEPT.as_millis()
                ),
                (None, true) => println!("accepting again"),
                _ => {}
            }
            accept_failed = failure.is_some();
        }
        for event in &events {
            if let Some(connection) = connections.get_mut(&event.token()) {
                let open = on_ready(connection).unwrap_or_else(|e| {
                    println!("a connection failed: {e}");
                    false
                });
                if !open {
                    // Dropping the stream closes it and takes it out of epoll.
                    connections.remove(&event.token());
                }
            }
        }

        // Demo: once the client is done, measure two idle seconds, as 3.6 does.
        if client.as_ref().is_some_and(|c| c.is_finished()) {
            serving::finish_client(client.take())?;
            meter = CpuMeter::start();
            println!("the client is done; now the server waits with nothing to do");
        }
        if ctx.flags.demo && client.is_none() && meter.elapsed() >= Duration::from_secs(2) {
            meter.report("while idle");
            return Ok(());
        }
    }
}
