//! Listing 3.1 — A blocking server that accepts one connection.
//!
//! `accept` parks the whole thread until a client arrives, then hands back
//! a socket for that client and its address. Rust's `TcpListener::bind`
//! does the book's socket/setsockopt(SO_REUSEADDR)/bind/listen in one call.
//! Try it: `cargo run -p chapter03 -- 3.1`, then `nc 127.0.0.1 8000`.
//!
//! Run: cargo run -p chapter03 -- 3.1

use shared_util::Ctx;
use shared_util::net::bind_loopback;

use crate::serving::{self, announce_with, server_port};

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let server_socket = bind_loopback(server_port(ctx))?;
    let address = server_socket.local_addr()?;
    announce_with(
        address,
        ctx,
        "the server reports the connection, then exits",
    );

    // In demo mode a scripted client plays the part of `nc`.
    let client = ctx.flags.demo.then(|| {
        serving::spawn_client(move || {
            let _connection = serving::connect(address)?;
            Ok(())
        })
    });

    // Blocks until a client connects.
    let (connection, client_address) = server_socket.accept()?;
    println!("I got a connection from {client_address}!");
    drop(connection);
    serving::finish_client(client)
}
