//! Listing 14.4 — The same echo server on another runtime: smol instead of Tokio.
//!
//! The book swaps asyncio's event loop for uvloop with one line; the code
//! above it does not change. Rust has no global event loop to swap: the
//! runtime is whichever executor polls the futures, and the I/O types come
//! from its reactor. Here that is smol (async-executor + async-io): a
//! `LocalExecutor` on one thread, like Tokio's current-thread runtime, and
//! `Async<TcpListener>`. The server is 3.8's, so chapter 3's `load` tool
//! checks it and `compare runtimes` times it against Tokio and uvloop.
//!
//! Run: cargo run -p chapter14 -- 14.4
//! (then: cargo run --release -p chapter03 -- load --addr 127.0.0.1:9000)

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use shared_util::Ctx;
use shared_util::net::{BACK_OFF, bind_loopback_backlog};
use smol::io::{AsyncReadExt as _, AsyncWriteExt as _};
use smol::{Async, LocalExecutor, Timer};

async fn echo(mut connection: Async<TcpStream>) -> std::io::Result<()> {
    let mut buffer = [0u8; 1024];
    loop {
        let n = connection.read(&mut buffer).await?;
        if n == 0 {
            return Ok(()); // the client closed its side
        }
        connection.write_all(&buffer[..n]).await?;
    }
}

async fn listen_for_connection(executor: &LocalExecutor<'_>, server_socket: Async<TcpListener>) {
    let mut failures = 0u64;
    loop {
        match server_socket.accept().await {
            Ok((connection, address)) => {
                let _ = connection.get_ref().set_nodelay(true);
                failures = 0;
                println!("Got a connection from {address}");
                executor
                    .spawn(async move {
                        if let Err(error) = echo(connection).await {
                            println!("connection {address} failed: {error}");
                        }
                    })
                    .detach();
            }
            Err(error) => {
                // Out of file descriptors: keep the connections, try again soon.
                failures += 1;
                if failures == 1 {
                    println!(
                        "accept failed: {error}; still serving open connections, retrying every {} ms",
                        BACK_OFF.as_millis()
                    );
                }
                Timer::after(BACK_OFF).await;
            }
        }
    }
}

/// Three clients at once, each sending two lines (as 3.8's demo).
async fn demo_clients(executor: &LocalExecutor<'_>, address: SocketAddr) -> anyhow::Result<()> {
    let clients: Vec<_> = ["A", "B", "C"]
        .into_iter()
        .map(|name| {
            executor.spawn(async move {
                let mut stream = Async::<TcpStream>::connect(address).await?;
                for n in 1..=2 {
                    let line = format!("{name}{n}\r\n");
                    stream.write_all(line.as_bytes()).await?;
                    let mut echo = vec![0; line.len()];
                    stream.read_exact(&mut echo).await?;
                    println!("client {name} got back b\"{}\"", echo.escape_ascii());
                }
                anyhow::Ok(())
            })
        })
        .collect();
    for client in clients {
        client.await?;
    }
    Ok(())
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let port = if ctx.flags.demo {
        ctx.flags.port.unwrap_or(0)
    } else {
        ctx.port_or(9000)
    };
    let listener = bind_loopback_backlog(port, 1024)?;
    let address = listener.local_addr()?;
    shared_util::net::announce(
        address,
        ctx.flags.demo,
        "type a line, see it echoed; Ctrl-C stops the server",
    );
    let executor = LocalExecutor::new();
    smol::block_on(executor.run(async {
        let server_socket = Async::new(listener)?;
        if !ctx.flags.demo {
            listen_for_connection(&executor, server_socket).await;
            return Ok(());
        }
        let limit = Duration::from_secs(10);
        let server = async {
            listen_for_connection(&executor, server_socket).await;
            Ok(())
        };
        let clients = async {
            let timer = async {
                Timer::after(limit).await;
                anyhow::bail!("the demo clients did not finish in {limit:?}")
            };
            smol::future::or(demo_clients(&executor, address), timer).await
        };
        smol::future::or(server, clients).await
    }))
}
