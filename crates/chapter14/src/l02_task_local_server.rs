//! Listing 14.2 — Task-local context in a server: each connection's address, never passed down.
//!
//! `tokio::task_local!` is Tokio's `ContextVar`: `USER_ADDRESS.scope(addr,
//! future)` sets it for everything that future runs, however deep, so
//! `log_message` reads it without a parameter. The difference from
//! `contextvars`: asyncio copies the context into every task it creates;
//! a Tokio task-local belongs to one future, so a task spawned inside sees
//! nothing unless it is scoped again. Each connection shows both. Lines
//! are echoed back, so a client can tell its line was handled; a line over
//! 64 KiB is refused (the client is told, the connection closed) and a
//! long one is logged as a preview, so no client can fill the memory or
//! the terminal.
//!
//! Run: cargo run -p chapter14 -- 14.2   (then: nc 127.0.0.1 9000)

use std::net::SocketAddr;

use shared_util::Ctx;
use shared_util::net::{Acceptor, bind_loopback_async};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;

tokio::task_local! {
    /// The peer of the connection the current task serves.
    static USER_ADDRESS: SocketAddr;
}

/// The longest line a client may send.
const MAX_LINE: usize = 64 * 1024;

/// How much of a message the log shows.
const PREVIEW: usize = 80;

/// Deep in the call stack: the address comes from the task, not a parameter.
fn log_message(data: &[u8]) {
    let shown = &data[..data.len().min(PREVIEW)];
    let more = match data.len() > PREVIEW {
        true => format!("... ({} bytes)", data.len()),
        false => String::new(),
    };
    println!(
        "Got message b\"{}\"{more} from {}",
        shown.escape_ascii(),
        USER_ADDRESS.get()
    );
}

/// What a task sees when it asks for the address.
fn seen_address() -> String {
    USER_ADDRESS
        .try_with(ToString::to_string)
        .unwrap_or_else(|_| "nothing".to_owned())
}

async fn listen_for_messages(connection: TcpStream) -> std::io::Result<()> {
    let address = USER_ADDRESS.get();
    let plain = tokio::spawn(async { seen_address() }).await?;
    let scoped = tokio::spawn(USER_ADDRESS.scope(address, async { seen_address() })).await?;
    println!("{address}: a task spawned here sees {plain}; one scoped again sees {scoped}");

    let (reader, mut writer) = connection.into_split();
    let mut reader = BufReader::new(reader);
    let mut data = Vec::new();
    // At most one line past the limit is ever buffered.
    while (&mut reader)
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut data)
        .await?
        > 0
    {
        if data.len() > MAX_LINE {
            println!("{address} sent a line over {MAX_LINE} bytes: closed");
            let refusal = format!("line too long: at most {MAX_LINE} bytes; closing\n");
            writer.write_all(refusal.as_bytes()).await?;
            // Closing with unread input would reset the connection before
            // the client reads why: end our side, and discard what it still
            // sends for a moment.
            writer.shutdown().await?;
            let mut sink = tokio::io::sink();
            let discard = tokio::io::copy(&mut reader, &mut sink);
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), discard).await;
            return Ok(());
        }
        log_message(&data);
        writer.write_all(&data).await?;
        data.clear();
    }
    Ok(())
}

async fn start_server(mut acceptor: Acceptor) {
    loop {
        let (connection, address) = acceptor.accept().await;
        tokio::spawn(USER_ADDRESS.scope(address, async move {
            if let Err(error) = listen_for_messages(connection).await {
                println!("connection {address} failed: {error}");
            }
        }));
    }
}

/// Two clients, two lines each.
async fn demo_clients(address: SocketAddr) -> anyhow::Result<()> {
    for name in ["A", "B"] {
        let mut stream = BufReader::new(TcpStream::connect(address).await?);
        for n in 1..=2 {
            stream
                .get_mut()
                .write_all(format!("{name}{n}\n").as_bytes())
                .await?;
            let mut echo = String::new();
            stream.read_line(&mut echo).await?;
        }
    }
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let port = if ctx.flags.demo {
        ctx.flags.port.unwrap_or(0)
    } else {
        ctx.port_or(9000)
    };
    let server_socket = bind_loopback_async(port).await?;
    let address = server_socket.local_addr()?;
    shared_util::net::announce(
        address,
        ctx.flags.demo,
        "each line is logged with your address and echoed",
    );
    let server = start_server(Acceptor::new(server_socket));
    if !ctx.flags.demo {
        server.await;
        return Ok(());
    }
    let limit = std::time::Duration::from_secs(10);
    tokio::select! {
        () = server => Ok(()),
        result = tokio::time::timeout(limit, demo_clients(address)) => result?,
    }
}
