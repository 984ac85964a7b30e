//! Listing 14.10 — Sockets with a selector and callbacks (mio), and a future the callback completes.
//!
//! Before futures there were callbacks: register a socket with the
//! selector and a function to call when it is ready, then loop on
//! `select`. Here mio's `Poll` is the selector and a map from `Token` to a
//! boxed `FnMut` holds the callbacks. As in the book, `sock_accept` hands
//! the callback a [`CustomFuture`] (14.8's) and awaits it: the callback
//! accepts the connection and sets the future's result. The loop at the
//! bottom plays the book's `coro.send(None)`: it polls `main` by hand with a
//! waker that does nothing, runs the callbacks of every ready socket, and
//! polls `main` again, until `main` is `Ready`. No Tokio is involved.
//!
//! Run: cargo run -p chapter14 -- 14.10   (then: nc 127.0.0.1 8000)

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Token};
use shared_util::Ctx;

use crate::l08_custom_future::CustomFuture;

/// What to do when a socket is ready.
type Callback = Box<dyn FnMut(&TcpListener)>;

/// mio's `Poll` with a callback per registered socket (the book's selector
/// and `key.data`).
struct Selector {
    poll: mio::Poll,
    sockets: HashMap<Token, (TcpListener, Callback)>,
}

impl Selector {
    fn register(&mut self, mut sock: TcpListener, callback: Callback) -> std::io::Result<()> {
        let token = Token(self.sockets.len());
        self.poll
            .registry()
            .register(&mut sock, token, Interest::READABLE)?;
        self.sockets.insert(token, (sock, callback));
        Ok(())
    }
}

fn accept_connection(future: &CustomFuture<(TcpStream, SocketAddr)>, sock: &TcpListener) {
    match sock.accept() {
        Ok((connection, address)) => {
            println!("We got a connection from {address}!");
            future.set_result((connection, address));
        }
        Err(e) if e.kind() == ErrorKind::WouldBlock => {} // a spurious wake-up
        Err(e) => println!("accept failed: {e}; waiting for the next event"),
    }
}

async fn sock_accept(sel: &RefCell<Selector>, sock: TcpListener) -> std::io::Result<SocketAddr> {
    println!("Registering socket to listen for connections");
    let future = CustomFuture::default();
    let setter = future.clone();
    let callback = Box::new(move |sock: &TcpListener| accept_connection(&setter, sock));
    sel.borrow_mut().register(sock, callback)?;
    println!("Pausing to listen for connections...");
    let (connection, address) = future.await;
    drop(connection); // the book's main does nothing more with it
    Ok(address)
}

async fn main(sel: &RefCell<Selector>, sock: TcpListener) -> std::io::Result<()> {
    println!("Waiting for socket connection!");
    let connection = sock_accept(sel, sock).await?;
    println!("Got a connection {connection}!");
    Ok(())
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let port = match (ctx.flags.port, ctx.flags.demo) {
        (Some(port), _) => port,
        (None, true) => 0,
        (None, false) => 8000,
    };
    let listener = shared_util::net::bind_loopback(port)?;
    listener.set_nonblocking(true)?;
    let sock = TcpListener::from_std(listener);
    let address = sock.local_addr()?;
    shared_util::net::announce(
        address,
        ctx.flags.demo,
        "one connection, then the program ends",
    );
    if ctx.flags.demo {
        std::thread::spawn(move || std::net::TcpStream::connect(address));
    }

    let selector = RefCell::new(Selector {
        poll: mio::Poll::new()?,
        sockets: HashMap::new(),
    });
    let mut coro = pin!(main(&selector, sock));
    // Nobody needs waking: this loop polls `main` again after every select.
    let mut cx = Context::from_waker(Waker::noop());
    let mut events = Events::with_capacity(16);
    let mut sends = 0;
    loop {
        sends += 1;
        if let Poll::Ready(result) = coro.as_mut().poll(&mut cx) {
            result?;
            println!("Application finished!");
            println!(
                "(main was polled {sends} time(s): to its await, then after the callback set the future)"
            );
            return Ok(());
        }
        let mut selector = selector.borrow_mut();
        let Selector { poll, sockets } = &mut *selector;
        poll.poll(&mut events, Some(Duration::from_secs(60)))?;
        for event in &events {
            println!("Processing selector events...");
            let (sock, callback) = sockets.get_mut(&event.token()).expect("registered");
            callback(sock);
        }
    }
}
