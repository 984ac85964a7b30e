//! Listing 8.13 — The chat server.
//!
//! The book's line protocol, so Python and Rust clients interoperate: the
//! first line is `CONNECT <username>`; the server answers `Welcome! N
//! user(s) are online!`, broadcasts `<username> connected!`, every later
//! line as `<username>: <text>`, and `<username> has left the chat`.
//! Where Python trusts its clients, this server bounds everything: a line
//! longer than 1024 bytes, invalid UTF-8, a bad first line or a taken name
//! get an `ERROR ...` line and a closed connection; a client idle for
//! `--idle-timeout` seconds (60) is disconnected; each client's outgoing
//! queue holds 256 lines, and a client whose queue is full (it is not
//! reading) is dropped with a message, so it never stalls the others.
//! Try it: run `8.13`, then `8.14` or `nc 127.0.0.1 8000` and `CONNECT you`.
//!
//! Run: cargo run -p chapter08 -- 8.13

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt as _;
use shared_util::Ctx;
use shared_util::net::bind_loopback_async;
use tokio::io::{AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::time::timeout;
use tokio_util::codec::{FramedRead, LinesCodec, LinesCodecError};
use tokio_util::sync::CancellationToken;

use crate::chat_client::{CLIENT_WAIT, read_line_bounded, script};

pub const MAX_LINE: usize = 1024;
pub const QUEUE: usize = 256;
const MAX_NAME: usize = 32;

struct Client {
    /// Lines waiting for this client's writer task.
    queue: mpsc::Sender<String>,
    /// Cancelled when the client is dropped for not reading.
    kick: CancellationToken,
}

type Users = Arc<Mutex<HashMap<String, Client>>>;

/// Queues `line` for every user; drops (and announces) those whose queue is full.
fn notify_all(users: &Users, line: String) {
    let mut users = users.lock().expect("no panics while locked");
    let mut pending = vec![line];
    while let Some(line) = pending.pop() {
        let slow: Vec<String> = users
            .iter()
            .filter(|(_, c)| matches!(c.queue.try_send(line.clone()), Err(TrySendError::Full(_))))
            .map(|(name, _)| name.clone())
            .collect();
        for name in slow {
            println!("[server] dropping {name}: {QUEUE} lines unread (not reading?)");
            if let Some(client) = users.remove(&name) {
                client.kick.cancel();
            }
            pending.push(format!("{name} has left the chat"));
        }
    }
}

/// Checks the first line; returns the username or the answer for the client.
pub fn parse_connect(line: &str, users: &HashMap<String, impl Sized>) -> Result<String, String> {
    let Some(name) = line.strip_prefix("CONNECT ").map(str::trim) else {
        return Err("ERROR the first line must be CONNECT <username>".into());
    };
    match name {
        "" => Err("ERROR the username must not be empty".into()),
        _ if name.chars().count() > MAX_NAME => {
            Err(format!("ERROR usernames are at most {MAX_NAME} characters"))
        }
        _ if users.contains_key(name) => Err(format!("ERROR the username {name} is taken")),
        _ => Ok(name.to_owned()),
    }
}

/// The answer to a line the codec rejected, or `None` when the connection
/// itself failed (reset, ...): then there is no one left to answer.
fn refusal(error: &LinesCodecError) -> Option<String> {
    match error {
        LinesCodecError::MaxLineLengthExceeded => Some(format!(
            "ERROR line longer than {MAX_LINE} bytes; disconnecting"
        )),
        LinesCodecError::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            Some("ERROR line is not valid UTF-8; disconnecting".into())
        }
        LinesCodecError::Io(_) => None,
    }
}

async fn client_connected(stream: TcpStream, users: Users, idle: Duration) -> anyhow::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut lines = FramedRead::new(reader, LinesCodec::new_with_max_length(MAX_LINE));
    let first = match timeout(idle, lines.next()).await {
        Err(_) => Err(format!("ERROR no CONNECT within {} s", idle.as_secs())),
        Ok(None) => return Ok(()),
        Ok(Some(Err(e))) => Err(refusal(&e).ok_or(e)?),
        Ok(Some(Ok(line))) => Ok(line),
    };
    let (queue, mut outgoing) = mpsc::channel::<String>(QUEUE);
    let kick = CancellationToken::new();
    let registered = first.and_then(|line| {
        let mut map = users.lock().expect("no panics while locked");
        let name = parse_connect(&line, &map)?;
        map.insert(
            name.clone(),
            Client {
                queue: queue.clone(),
                kick: kick.clone(),
            },
        );
        let _ = queue.try_send(format!("Welcome! {} user(s) are online!", map.len()));
        Ok(name)
    });
    let username = match registered {
        Ok(name) => name,
        Err(answer) => {
            println!("[server] refused a client: {answer}");
            writer.write_all(format!("{answer}\n").as_bytes()).await?;
            return Ok(());
        }
    };
    println!("[server] {username} connected");
    notify_all(&users, format!("{username} connected!"));
    let mut writing = tokio::spawn(async move {
        while let Some(line) = outgoing.recv().await {
            writer.write_all(format!("{line}\n").as_bytes()).await?;
        }
        writer.shutdown().await
    });

    let goodbye = loop {
        let next = tokio::select! {
            () = kick.cancelled() => break None, // dropped for not reading
            next = timeout(idle, lines.next()) => next,
        };
        match next {
            Err(_) => {
                break Some(format!(
                    "Disconnected: idle for {} second(s)",
                    idle.as_secs()
                ));
            }
            Ok(None) => break Some(String::new()),
            // A connection error: leave quietly, as at end of stream.
            Ok(Some(Err(e))) => break Some(refusal(&e).unwrap_or_default()),
            Ok(Some(Ok(text))) => {
                notify_all(&users, format!("{username}: {text}"));
                // Let the writers run before the next line: a burst from one
                // client must not fill queues that are merely not drained yet.
                tokio::task::yield_now().await;
            }
        }
    };
    if let Some(goodbye) = goodbye {
        if !goodbye.is_empty() {
            let _ = queue.try_send(goodbye);
        }
        drop(queue); // with the map's copy gone too, the writer ends after the goodbye
        users
            .lock()
            .expect("no panics while locked")
            .remove(&username);
        println!("[server] {username} left");
        notify_all(&users, format!("{username} has left the chat"));
        let _ = timeout(CLIENT_WAIT, &mut writing).await;
    }
    writing.abort(); // kicked or stuck: dropping the writer half closes the socket
    Ok(())
}

pub async fn serve(listener: TcpListener, idle: Duration) -> anyhow::Result<()> {
    let users = Users::default();
    // Out of file descriptors, it backs off and retries; clients stay.
    let mut acceptor = shared_util::net::Acceptor::new(listener);
    loop {
        let (stream, _) = acceptor.accept().await;
        let users = Arc::clone(&users);
        tokio::spawn(async move {
            if let Err(error) = client_connected(stream, users, idle).await {
                println!("a connection failed: {error:#}");
            }
        });
    }
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let idle = Duration::from_secs(ctx.options::<crate::Options>().idle_timeout.max(1));
    let listener =
        bind_loopback_async(
            ctx.flags
                .port
                .unwrap_or(if ctx.flags.demo { 0 } else { 8000 }),
        )
        .await?;
    let address = listener.local_addr()?;
    println!("listening on {address} (idle timeout {} s)", idle.as_secs());
    if !ctx.flags.demo {
        println!(
            "try it: cargo run -p chapter08 -- 8.14 --port {}; Ctrl-C stops the server",
            address.port()
        );
        return serve(listener, idle).await;
    }
    let demo = async {
        let (reader, mut alice) = TcpStream::connect(address).await?.into_split();
        let mut reader = BufReader::new(reader);
        alice.write_all(b"CONNECT alice\n").await?;
        for _ in 0..2 {
            println!("alice got: {}", read_line_bounded(&mut reader).await?);
        }
        script(address, "bob", &["hello alice"], "bob got: ").await?;
        alice.write_all(b"bye!\n").await?;
        loop {
            let line = read_line_bounded(&mut reader).await?;
            println!("alice got: {line}");
            if line == "alice: bye!" {
                return anyhow::Ok(());
            }
        }
    };
    tokio::select! {
        result = serve(listener, idle) => result,
        result = demo => result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_is_checked() {
        let mut users = HashMap::new();
        users.insert("alice".to_owned(), ());
        assert_eq!(parse_connect("CONNECT bob", &users), Ok("bob".into()));
        assert!(
            parse_connect("HELLO", &users)
                .unwrap_err()
                .contains("CONNECT <username>")
        );
        assert!(
            parse_connect("CONNECT  ", &users)
                .unwrap_err()
                .contains("empty")
        );
        assert!(
            parse_connect("CONNECT alice", &users)
                .unwrap_err()
                .contains("taken")
        );
        assert!(parse_connect(&format!("CONNECT {}", "x".repeat(40)), &users).is_err());
    }
}
