//! Listing 7.1 — An echo server with a thread per connection.
//!
//! Blocking `std::net` sockets, like chapter 3's first server, but every
//! accepted client gets its own OS thread, so clients no longer wait for
//! each other. Python can do this because `recv`/`sendall` release the GIL;
//! Rust has no GIL at all. Its flaw: Ctrl-C kills the process without any
//! goodbye to the clients (7.2 fixes that). Try `nc 127.0.0.1 8000`.
//!
//! Run: cargo run -p chapter07 -- 7.1

use std::io::{Read as _, Write as _};
use std::net::TcpStream;

use shared_util::Ctx;
use shared_util::net::{BlockingAcceptor, bind_loopback};

use crate::serving::{server_port, show};

fn echo(mut client: TcpStream) -> std::io::Result<()> {
    let mut buffer = [0u8; 2048];
    loop {
        let n = client.read(&mut buffer)?;
        if n == 0 {
            return Ok(()); // the client hung up
        }
        println!("Received {}, sending!", show(&buffer[..n]));
        client.write_all(&buffer[..n])?;
    }
}

/// `--demo`: one client says hello and leaves.
fn demo_client(address: std::net::SocketAddr) -> anyhow::Result<()> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    stream.write_all(b"hello threads\r\n")?;
    let mut echo = [0u8; 15];
    stream.read_exact(&mut echo)?;
    println!("client got back {}", show(&echo));
    Ok(())
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let server = bind_loopback(server_port(ctx))?;
    let address = server.local_addr()?;
    shared_util::net::announce(address, ctx.flags.demo, "Ctrl-C stops the server");
    let client = ctx
        .flags
        .demo
        .then(|| std::thread::spawn(move || demo_client(address)));
    let mut threads = Vec::new();
    // Backs off and retries when out of file descriptors (sets TCP_NODELAY).
    let mut acceptor = BlockingAcceptor::new(server);
    loop {
        // Blocks until a client connects.
        let Some((connection, peer)) = acceptor.accept_until(|| false) else {
            continue;
        };
        // One thread per client runs `echo`.
        let thread = match std::thread::Builder::new().spawn(move || echo(connection)) {
            Ok(thread) => thread,
            Err(e) => {
                println!("no thread for {peer}: {e}; closing it");
                continue;
            }
        };
        if client.is_some() {
            threads.push(thread);
            break; // the demo has one client
        }
        // Otherwise the thread runs detached: keeping every handle would
        // grow without bound on a long-running server.
    }
    if let Some(client) = client {
        client
            .join()
            .map_err(|_| anyhow::anyhow!("demo client panicked"))??;
        for thread in threads {
            let _ = thread.join();
        }
    }
    Ok(())
}
