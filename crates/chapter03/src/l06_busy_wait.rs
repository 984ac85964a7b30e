//! Listing 3.6 — A busy-waiting non-blocking server: it works, and burns a core.
//!
//! Every `WouldBlock` is ignored and the loop goes round again at once, so
//! one silent client no longer holds up the others (compare 3.3) — but the
//! server asks the kernel "anything yet?" millions of times a second.
//! It reports the CPU time it used while idle; listing 3.7 reports the same
//! for a selector. Try it with `nc 127.0.0.1 8000` and watch `top`.
//!
//! Run: cargo run -p chapter03 -- 3.6

use std::io::{ErrorKind, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use shared_util::Ctx;
use shared_util::net::bind_loopback;

use crate::serving::{self, CpuMeter, announce, server_port, show};

/// A client and the part of its line read so far.
struct Connection {
    stream: TcpStream,
    address: SocketAddr,
    buffer: Vec<u8>,
}

/// Reads what has arrived; echoes a line once it is complete. False when
/// the client has gone.
fn poll_connection(connection: &mut Connection) -> std::io::Result<bool> {
    let mut data = [0u8; 1024];
    match connection.stream.read(&mut data) {
        Ok(0) => return Ok(false),
        Ok(n) => connection.buffer.extend_from_slice(&data[..n]),
        Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(true), // nothing yet: move on
        Err(e) => return Err(e),
    }
    if connection.buffer.ends_with(b"\r\n") {
        println!(
            "All the data from {} is: {}",
            connection.address,
            show(&connection.buffer)
        );
        connection.stream.set_nonblocking(false)?; // keep the demo simple: send it all
        connection.stream.write_all(&connection.buffer)?;
        connection.stream.set_nonblocking(true)?;
        connection.buffer.clear();
    }
    Ok(true)
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let server_socket = bind_loopback(server_port(ctx))?;
    server_socket.set_nonblocking(true)?;
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

    let period = Duration::from_secs(if ctx.flags.demo { 2 } else { 5 });
    let mut meter = CpuMeter::start();
    let mut connections: Vec<Connection> = Vec::new();
    let mut accept_failing = false; // said once, not on every spin
    loop {
        match server_socket.accept() {
            Ok((stream, address)) => {
                accept_failing = false;
                println!("I got a connection from {address}!");
                stream.set_nonblocking(true)?;
                connections.push(Connection {
                    stream,
                    address,
                    buffer: Vec::new(),
                });
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {} // nobody new: carry on
            Err(e) if !accept_failing => {
                println!("accept failed: {e}; still trying");
                accept_failing = true;
            }
            Err(_) => {}
        }
        connections.retain_mut(|c| match poll_connection(c) {
            Ok(open) => open,
            Err(e) => {
                println!("{} failed: {e}", c.address);
                false
            }
        });

        // Demo: once the client is done, measure two seconds of idling.
        if client.as_ref().is_some_and(|c| c.is_finished()) {
            serving::finish_client(client.take())?;
            meter = CpuMeter::start();
            println!("the client is done; now the server waits with nothing to do");
        }
        if meter.elapsed() >= period {
            meter.report(if connections.is_empty() {
                "while idle"
            } else {
                "while waiting"
            });
            if ctx.flags.demo && client.is_none() {
                return Ok(());
            }
            meter = CpuMeter::start();
        }
    }
}
