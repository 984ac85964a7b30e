//! Listing 14.10 — Sockets with a selector and callbacks (mio), no futures.
//!
//! Before futures there were callbacks: register a socket with the
//! selector and a function to call when it is ready, then loop on
//! `select`. Here mio's `Poll` is the selector and a map from `Token` to a
//! boxed `FnMut` holds the callbacks. The server waits for one connection,
//! and the callback hands it over; `Application finished!` ends the loop.
//! The book wraps the callback in its `CustomFuture` and awaits it; the
//! next listings do that part with Rust's own `Future` and `Waker`.
//!
//! Run: cargo run -p chapter14 -- 14.10   (then: nc 127.0.0.1 8000)

use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::Duration;

use mio::net::TcpListener;
use mio::{Events, Interest, Poll, Token};
use shared_util::Ctx;

/// What to do when a socket is ready; returns the connection when it has one.
type Callback = Box<dyn FnMut(&TcpListener) -> Option<SocketAddr>>;

fn accept_connection(sock: &TcpListener) -> Option<SocketAddr> {
    match sock.accept() {
        Ok((connection, address)) => {
            println!("We got a connection from {address}!");
            drop(connection); // the book's main does nothing more with it
            Some(address)
        }
        Err(e) if e.kind() == ErrorKind::WouldBlock => None, // a spurious wake-up
        Err(e) => {
            println!("accept failed: {e}; waiting for the next event");
            None
        }
    }
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let port = match (ctx.port, ctx.demo) {
        (Some(port), _) => port,
        (None, true) => 0,
        (None, false) => 8000,
    };
    let listener = shared_util::net::bind_loopback(port)?;
    listener.set_nonblocking(true)?;
    let mut sock = TcpListener::from_std(listener);
    let address = sock.local_addr()?;
    shared_util::net::announce(address, ctx.demo, "one connection, then the program ends");
    if ctx.demo {
        std::thread::spawn(move || std::net::TcpStream::connect(address));
    }

    println!("Waiting for socket connection!");
    let mut selector = Poll::new()?;
    let mut callbacks: HashMap<Token, Callback> = HashMap::new();
    println!("Registering socket to listen for connections");
    selector
        .registry()
        .register(&mut sock, Token(0), Interest::READABLE)?;
    callbacks.insert(Token(0), Box::new(accept_connection));
    println!("Pausing to listen for connections...");

    let mut events = Events::with_capacity(16);
    loop {
        selector.poll(&mut events, Some(Duration::from_secs(60)))?;
        for event in &events {
            println!("Processing selector events...");
            let callback = callbacks.get_mut(&event.token()).expect("registered");
            if let Some(peer) = callback(&sock) {
                println!("Got a connection {peer}!");
                println!("Application finished!");
                return Ok(());
            }
        }
    }
}
