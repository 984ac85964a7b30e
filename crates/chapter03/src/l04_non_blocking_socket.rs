//! Listing 3.4 — A non-blocking socket returns WouldBlock instead of waiting.
//!
//! With `set_nonblocking(true)`, `accept` and `read` return at once: with
//! a result when one is ready, otherwise with an error of kind
//! `WouldBlock` (EAGAIN, "Resource temporarily unavailable"), which Python
//! raises as `BlockingIOError`. Nothing waits, so something must retry.
//!
//! Run: cargo run -p chapter03 -- 3.4

use std::io::{ErrorKind, Read as _, Write as _};
use std::time::{Duration, Instant};

use shared_util::Ctx;
use shared_util::net::bind_loopback;

use crate::serving::{self, show};

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let server_socket = bind_loopback(ctx.flags.port.unwrap_or(0))?;
    server_socket.set_nonblocking(true)?;
    let address = server_socket.local_addr()?;
    println!("listening on {address}, non-blocking");

    match server_socket.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {
            println!("accept() with nobody connecting: {e} ({:?})", e.kind());
        }
        other => anyhow::bail!("expected WouldBlock from accept, got {other:?}"),
    }

    let mut client = serving::connect(address)?;
    // The kernel finishes the handshake on its own; accept just collects it.
    let deadline = Instant::now() + Duration::from_secs(5);
    let (mut connection, client_address) = loop {
        match server_socket.accept() {
            Ok(accepted) => break accepted,
            Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(e) => return Err(e.into()),
        }
    };
    println!("accept() once a client connected: a socket for {client_address}");
    connection.set_nonblocking(true)?;

    let mut data = [0u8; 1024];
    match connection.read(&mut data) {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {
            println!(
                "read() before the client sent anything: {e} ({:?})",
                e.kind()
            );
        }
        other => anyhow::bail!("expected WouldBlock from read, got {other:?}"),
    }

    client.write_all(b"hello\r\n")?;
    let mut attempts = 1;
    let n = loop {
        match connection.read(&mut data) {
            Ok(n) => break n,
            Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < deadline => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(e) => return Err(e.into()),
        }
    };
    println!(
        "read() after the client sent a line: {} (attempts: {attempts})",
        show(&data[..n])
    );
    Ok(())
}
