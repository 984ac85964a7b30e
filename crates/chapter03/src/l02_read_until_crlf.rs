//! Listing 3.2 — Reading a client's bytes two at a time until `\r\n`.
//!
//! `read` blocks until at least one byte has arrived and returns at most
//! as many as the buffer holds, so a two-byte buffer sees a line in pieces.
//! The server collects them until the line ends, then echoes the line.
//! Python's `recv` returns `b''` at end of stream; Rust's `read` returns 0.
//!
//! Run: cargo run -p chapter03 -- 3.2
//! (--demo drives it with a scripted client, then stops)

use std::io::{Read as _, Write as _};

use shared_util::Ctx;
use shared_util::net::bind_loopback;

use crate::serving::{self, announce_with, server_port, show};

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let server_socket = bind_loopback(server_port(ctx))?;
    let address = server_socket.local_addr()?;
    announce_with(
        address,
        ctx,
        "type a line: the server echoes it, then exits",
    );

    let client = ctx.flags.demo.then(|| {
        serving::spawn_client(move || {
            let mut stream = serving::connect(address)?;
            let echo = serving::round_trip(&mut stream, b"testing 123\r\n")?;
            println!("the client got back {}", show(&echo));
            Ok(())
        })
    });

    let (mut connection, client_address) = server_socket.accept()?;
    println!("I got a connection from {client_address}!");
    let mut buffer = Vec::new();
    while !buffer.ends_with(b"\r\n") {
        let mut data = [0u8; 2];
        let n = connection.read(&mut data)?;
        if n == 0 {
            println!("the client closed the connection before the end of the line");
            break;
        }
        println!("I got data: {}!", show(&data[..n]));
        buffer.extend_from_slice(&data[..n]);
    }
    println!("All the data is: {}", show(&buffer));
    connection.write_all(&buffer)?;
    serving::finish_client(client)
}
