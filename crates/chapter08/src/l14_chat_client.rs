//! Listing 8.14 — The chat client.
//!
//! A full-screen app like the delay console: `Enter username:` first, then
//! messages from the server scroll in above while you type below. One task
//! owns the connection: it writes what you enter and reads what arrives,
//! with `select!` where the book runs a reader task next to a writer loop.
//! `--script "hi|bye" --username ann` sends the lines and prints what comes
//! back instead (no terminal needed); `--demo` starts its own server.
//! `/quit` or Ctrl-C leaves.
//!
//! Run: cargo run -p chapter08 -- 8.14

use std::net::SocketAddr;
use std::time::Duration;

use shared_util::Ctx;
use shared_util::net::{bind_loopback_async, loopback};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

use crate::chat_client::script;
use crate::console::{Next, run_console};
use crate::l13_chat_server::serve;

/// Connects, sends `CONNECT`, then relays both ways until either side ends.
async fn connection(
    address: SocketAddr,
    username: String,
    mut outgoing: UnboundedReceiver<String>,
    messages: UnboundedSender<String>,
) -> anyhow::Result<()> {
    let stream = TcpStream::connect(address).await.map_err(|e| {
        anyhow::anyhow!(
            "could not connect to {address} ({e}); start the server: cargo run -p chapter08 -- 8.13"
        )
    })?;
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    writer
        .write_all(format!("CONNECT {username}\n").as_bytes())
        .await?;
    loop {
        tokio::select! {
            line = lines.next_line() => match line? {
                Some(line) => drop(messages.send(line)),
                None => return Ok(()),
            },
            Some(text) = outgoing.recv() => writer.write_all(format!("{text}\n").as_bytes()).await?,
        }
    }
}

async fn terminal_client(address: SocketAddr) -> anyhow::Result<()> {
    let (messages, inbox) = mpsc::unbounded_channel();
    let (sender, outgoing) = mpsc::unbounded_channel();
    let mut outgoing = Some(outgoing);
    run_console("Enter username: ".to_owned(), inbox, move |line| {
        if line.trim() == "/quit" {
            return Next::Quit;
        }
        if outgoing.is_none() {
            let _ = sender.send(line); // a chat line
            return Next::Continue;
        }
        let username = line.trim().to_owned();
        if username.is_empty() {
            let _ = messages.send("the username must not be empty".to_owned());
            return Next::Continue; // ask again
        }
        let outgoing = outgoing.take().expect("checked just above");
        let messages = messages.clone();
        tokio::spawn(async move {
            let result = connection(address, username, outgoing, messages.clone()).await;
            let _ = messages.send(match result {
                Ok(()) => "the server closed the connection (Ctrl-C quits)".to_owned(),
                Err(error) => format!("{error:#} (Ctrl-C quits)"),
            });
        });
        Next::Prompt(format!("{}> ", line.trim()))
    })
    .await
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut address = loopback(ctx.port_or(8000));
    if ctx.flags.demo {
        let listener = bind_loopback_async(ctx.flags.port.unwrap_or(0)).await?;
        address = listener.local_addr()?;
        println!("(demo: a chat server of our own on {address})");
        tokio::spawn(serve(listener, Duration::from_secs(60)));
    }
    let options = ctx.options::<crate::Options>();
    let script_text = match (&options.script, ctx.flags.demo) {
        (Some(text), _) => text.clone(),
        (None, true) => "hello|is anyone here?".to_owned(),
        (None, false) => return terminal_client(address).await,
    };
    let username = options.username.as_str();
    let lines: Vec<&str> = script_text.split('|').collect();
    script(address, username, &lines, "").await?;
    Ok(())
}
