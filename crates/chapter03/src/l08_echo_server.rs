//! Listing 3.8 — The Tokio echo server: one task per connection.
//!
//! `listen_for_connection` accepts in a loop and spawns an `echo` task per
//! client; each task reads whatever has arrived and writes back exactly
//! those bytes. Tokio's `accept`/`read`/`write_all` play the part of
//! `sock_accept`/`sock_recv`/`sock_sendall`, with the selector of 3.7 hidden
//! inside the runtime. Unlike asyncio, a spawned task needs no reference
//! kept to survive. Try it: `nc 127.0.0.1 8000` from several terminals.
//!
//! Run: cargo run -p chapter03 -- 3.8

use std::net::SocketAddr;

use shared_util::Ctx;
use shared_util::net::bind_loopback_async;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use crate::serving::{announce, server_port, show};
use shared_util::net::Acceptor;

async fn echo(mut connection: TcpStream) -> std::io::Result<()> {
    let mut buffer = [0u8; 1024];
    loop {
        let n = connection.read(&mut buffer).await?;
        if n == 0 {
            return Ok(()); // the client closed its side
        }
        connection.write_all(&buffer[..n]).await?;
    }
}

async fn listen_for_connection(server_socket: TcpListener) {
    // `accept` that backs off on errors such as "too many open files".
    let mut acceptor = Acceptor::new(server_socket);
    loop {
        let (connection, address) = acceptor.accept().await;
        println!("Got a connection from {address}");
        tokio::spawn(async move {
            if let Err(error) = echo(connection).await {
                println!("connection {address} failed: {error}");
            }
        });
    }
}

/// Three clients at once, each sending two lines.
async fn demo_clients(address: SocketAddr) -> anyhow::Result<()> {
    let clients = ["A", "B", "C"].map(|name| async move {
        let mut stream = TcpStream::connect(address).await?;
        for n in 1..=2 {
            let line = format!("{name}{n}\r\n");
            stream.write_all(line.as_bytes()).await?;
            let mut echo = vec![0; line.len()];
            stream.read_exact(&mut echo).await?;
            println!("client {name} got back {}", show(&echo));
        }
        anyhow::Ok(())
    });
    futures::future::try_join_all(clients).await?;
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let server_socket = bind_loopback_async(server_port(ctx)).await?;
    let address = server_socket.local_addr()?;
    announce(address, ctx);
    if !ctx.flags.demo {
        listen_for_connection(server_socket).await;
        return Ok(());
    }
    let limit = std::time::Duration::from_secs(10);
    tokio::select! {
        () = listen_for_connection(server_socket) => Ok(()),
        result = tokio::time::timeout(limit, demo_clients(address)) => result?,
    }
}
