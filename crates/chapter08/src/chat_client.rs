//! Client helpers for the chat listings: bounded line reads and the
//! scripted chat client used by `8.14 --script`, the demos and the tests.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context as _, bail};
use tokio::io::{AsyncBufRead, AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;

/// How long a scripted client waits for any one line from the server.
pub const CLIENT_WAIT: Duration = Duration::from_secs(10);

/// The next line from the server, without its newline; an error at end of
/// stream or after [`CLIENT_WAIT`].
pub async fn read_line_bounded(reader: &mut (impl AsyncBufRead + Unpin)) -> anyhow::Result<String> {
    let mut line = String::new();
    let n = tokio::time::timeout(CLIENT_WAIT, reader.read_line(&mut line))
        .await
        .with_context(|| format!("no line from the server within {} s", CLIENT_WAIT.as_secs()))??;
    if n == 0 {
        bail!("the server closed the connection");
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Connects as `username`, sends each of `lines` and waits for the server
/// to broadcast it back before the next, printing every line received
/// (after `label`, e.g. `bob got: `, when a demo shows several clients).
/// Returns what it received.
pub async fn script(
    address: SocketAddr,
    username: &str,
    lines: &[&str],
    label: &str,
) -> anyhow::Result<Vec<String>> {
    let stream = tokio::time::timeout(CLIENT_WAIT, TcpStream::connect(address))
        .await
        .context("connecting took too long")?
        .with_context(|| {
            format!("could not connect to {address}; is the chat server running? (cargo run -p chapter08 -- 8.13)")
        })?;
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut received = Vec::new();
    let mut receive = async |received: &mut Vec<String>, until: &str| -> anyhow::Result<()> {
        loop {
            let line = read_line_bounded(&mut reader).await?;
            println!("{label}{line}");
            received.push(line.clone());
            if line.starts_with("ERROR") {
                bail!("the server refused: {line}");
            }
            if line == until {
                return Ok(());
            }
        }
    };
    writer
        .write_all(format!("CONNECT {username}\n").as_bytes())
        .await?;
    receive(&mut received, &format!("{username} connected!")).await?;
    for line in lines {
        writer.write_all(format!("{line}\n").as_bytes()).await?;
        receive(&mut received, &format!("{username}: {line}")).await?;
    }
    writer.shutdown().await?;
    Ok(received)
}
