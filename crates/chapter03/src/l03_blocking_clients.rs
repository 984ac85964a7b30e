//! Listing 3.3 — A blocking server with several clients: the second waits.
//!
//! After each `accept` the server reads one line from every client it
//! knows, in order. Each `read` blocks, so a client that says nothing
//! holds up every client behind it, and nobody new is accepted meanwhile.
//! The demo shows client B's echo arriving only once client A is done.
//!
//! Run: cargo run -p chapter03 -- 3.3
//! (--demo drives it with a scripted client, then stops)

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use shared_util::Ctx;
use shared_util::net::{BlockingAcceptor, bind_loopback};

use crate::serving::{self, announce, server_port, show};

/// Reads one line (until `\r\n`) and echoes it; false when the client left.
fn echo_line(connection: &mut TcpStream, client: SocketAddr) -> std::io::Result<bool> {
    let mut buffer = Vec::new();
    while !buffer.ends_with(b"\r\n") {
        let mut data = [0u8; 2];
        match connection.read(&mut data)? {
            0 => {
                println!("{client} disconnected");
                return Ok(false);
            }
            n => buffer.extend_from_slice(&data[..n]),
        }
    }
    println!("All the data from {client} is: {}", show(&buffer));
    connection.write_all(&buffer)?;
    Ok(true)
}

/// A: one line, then a pause, then goodbye. B: one line, sent while A is
/// still connected, and a stopwatch on the echo.
fn demo_clients(address: SocketAddr) -> anyhow::Result<()> {
    let mut a = serving::connect(address)?;
    println!(
        "client A got back {}",
        show(&serving::round_trip(&mut a, b"from A\r\n")?)
    );
    let mut b = serving::connect(address)?;
    let sent = Instant::now();
    b.write_all(b"from B\r\n")?;
    println!("client B sent its line; the server is still blocked reading A");
    std::thread::sleep(Duration::from_millis(500));
    println!("client A leaves");
    drop(a);
    let mut echo = [0u8; 8];
    b.read_exact(&mut echo)?;
    println!(
        "client B got back {} after waiting {:.1} s",
        show(&echo),
        sent.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let server_socket = bind_loopback(server_port(ctx))?;
    let address = server_socket.local_addr()?;
    announce(address, ctx);
    let client = ctx
        .flags
        .demo
        .then(|| serving::spawn_client(move || demo_clients(address)));

    let mut connections: Vec<(TcpStream, SocketAddr)> = Vec::new();
    let mut accepted = 0;
    // Out of file descriptors, it waits and retries rather than exiting.
    let mut acceptor = BlockingAcceptor::new(server_socket);
    while let Some((connection, client_address)) = acceptor.accept_until(|| false) {
        println!("I got a connection from {client_address}!");
        connections.push((connection, client_address));
        accepted += 1;
        // One line from each client in turn; a silent one blocks the rest.
        let mut still_open = Vec::new();
        for (mut connection, client_address) in connections {
            match echo_line(&mut connection, client_address) {
                Ok(true) => still_open.push((connection, client_address)),
                Ok(false) => {}
                Err(error) => println!("{client_address} failed: {error}"),
            }
        }
        connections = still_open;
        if ctx.flags.demo && accepted == 2 {
            break;
        }
    }
    serving::finish_client(client)
}
