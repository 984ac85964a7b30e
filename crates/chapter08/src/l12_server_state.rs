//! Listing 8.12 — A server built on streams that tracks its clients.
//!
//! Every connection is split into halves: a reader task reads lines and a
//! writer task drains the client's own queue. The shared state is the map
//! of those queues behind a mutex (the book's `ServerState` with its list
//! of writers). New clients hear how many are online, the others hear about
//! them; lines are echoed; leaving is announced. A full queue (a client not
//! reading) loses the message rather than stalling everyone else.
//! Try it: run `8.12`, then `nc 127.0.0.1 8000` in two terminals.
//!
//! Run: cargo run -p chapter08 -- 8.12

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use futures::StreamExt as _;
use shared_util::Ctx;
use shared_util::net::{Acceptor, bind_loopback_async};
use tokio::io::{AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::codec::{FramedRead, LinesCodec};

use crate::chat_client::{CLIENT_WAIT, read_line_bounded};

#[derive(Default)]
struct ServerState {
    /// Each client's outgoing queue, by connection number.
    clients: Mutex<HashMap<u64, mpsc::Sender<String>>>,
}

impl ServerState {
    /// Sends `line` to every client but `except`; returns how many are online.
    fn notify_others(&self, except: u64, line: &str) -> usize {
        let clients = self.clients.lock().expect("no panics while locked");
        for (_, queue) in clients.iter().filter(|(id, _)| **id != except) {
            let _ = queue.try_send(line.to_owned()); // full: this client misses it
        }
        clients.len()
    }
}

async fn client_connected(id: u64, stream: TcpStream, state: Arc<ServerState>) {
    let (reader, mut writer) = stream.into_split();
    let (queue, mut outgoing) = mpsc::channel::<String>(32);
    let online = {
        let mut clients = state.clients.lock().expect("no panics while locked");
        clients.insert(id, queue.clone());
        clients.len()
    };
    let _ = queue.try_send(format!("Welcome! {online} user(s) are online!"));
    state.notify_others(id, "New user connected!");
    let writing = tokio::spawn(async move {
        while let Some(line) = outgoing.recv().await {
            if writer
                .write_all(format!("{line}\n").as_bytes())
                .await
                .is_err()
            {
                break;
            }
        }
    });

    let mut lines = FramedRead::new(reader, LinesCodec::new_with_max_length(1024));
    while let Some(Ok(line)) = lines.next().await {
        let _ = queue.try_send(line); // echo
    }
    let online = {
        let mut clients = state.clients.lock().expect("no panics while locked");
        clients.remove(&id);
        clients.len()
    };
    state.notify_others(
        id,
        &format!("Client disconnected. {online} user(s) are online!"),
    );
    writing.abort();
    println!("client {id} left; {online} online");
}

async fn listen(listener: TcpListener, state: Arc<ServerState>) -> anyhow::Result<()> {
    // Out of descriptors, the acceptor waits and retries: the clients
    // already online keep chatting.
    let mut listener = Acceptor::new(listener);
    for id in 1.. {
        let (stream, address) = listener.accept().await;
        println!("client {id} connected from {address}");
        tokio::spawn(client_connected(id, stream, Arc::clone(&state)));
    }
    Ok(())
}

/// Two clients: A hears about B, A's line comes back, B leaves.
async fn demo(address: SocketAddr) -> anyhow::Result<()> {
    let (a_reader, mut a_writer) = TcpStream::connect(address).await?.into_split();
    let mut a = BufReader::new(a_reader);
    println!("A got: {}", read_line_bounded(&mut a).await?);
    let b = TcpStream::connect(address).await?;
    let mut b = BufReader::new(b);
    println!("B got: {}", read_line_bounded(&mut b).await?);
    println!("A got: {}", read_line_bounded(&mut a).await?);
    a_writer.write_all(b"hello from A\n").await?;
    println!("A got: {}", read_line_bounded(&mut a).await?);
    drop(b);
    println!("A got: {}", read_line_bounded(&mut a).await?);
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let port = ctx
        .flags
        .port
        .unwrap_or(if ctx.flags.demo { 0 } else { 8000 });
    let listener = bind_loopback_async(port).await?;
    let address = listener.local_addr()?;
    shared_util::net::announce(address, ctx.flags.demo, "Ctrl-C stops the server");
    let state = Arc::new(ServerState::default());
    if !ctx.flags.demo {
        return listen(listener, state).await;
    }
    tokio::select! {
        result = listen(listener, state) => result,
        result = tokio::time::timeout(CLIENT_WAIT * 3, demo(address)) => {
            result.map_err(|_| anyhow::anyhow!("the demo clients did not finish in time"))?
        }
    }
}
