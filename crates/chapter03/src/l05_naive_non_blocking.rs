//! Listing 3.5 — The naive non-blocking server fails on WouldBlock.
//!
//! Listing 3.3 with `set_nonblocking(true)` and nothing else: the first
//! `accept` finds no client waiting and returns `WouldBlock` straight away,
//! and the `?` carries it out of the server, just as the book's Python
//! server dies with `BlockingIOError: [Errno 35] Resource temporarily
//! unavailable` (errno 11 on Linux). The listing reports the crash and ends.
//!
//! Run: cargo run -p chapter03 -- 3.5

use std::io::{ErrorKind, Read as _, Write as _};
use std::net::TcpStream;

use shared_util::Ctx;
use shared_util::net::bind_loopback;

use crate::serving::server_port;

/// Listing 3.3's server loop on a non-blocking socket, unchanged.
fn serve(server_socket: &std::net::TcpListener) -> std::io::Result<()> {
    let mut connections: Vec<TcpStream> = Vec::new();
    loop {
        let (connection, client_address) = server_socket.accept()?;
        connection.set_nonblocking(true)?;
        println!("I got a connection from {client_address}!");
        connections.push(connection);
        for connection in &mut connections {
            let mut buffer = Vec::new();
            while !buffer.ends_with(b"\r\n") {
                let mut data = [0u8; 2];
                let n = connection.read(&mut data)?;
                buffer.extend_from_slice(&data[..n]);
            }
            connection.write_all(&buffer)?;
        }
    }
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let server_socket = bind_loopback(server_port(ctx))?;
    server_socket.set_nonblocking(true)?;
    println!("listening on {}", server_socket.local_addr()?);

    let error = serve(&server_socket).expect_err("serve only returns by failing");
    println!("the server crashed: {error}");
    if error.kind() == ErrorKind::WouldBlock {
        println!(
            "(kind {:?}: accept had nothing to return yet; Python calls this BlockingIOError)",
            error.kind()
        );
    }
    Ok(())
}
