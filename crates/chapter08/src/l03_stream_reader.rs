//! Listing 8.3 — The same request with stream readers and writers.
//!
//! The socket is split into a reader half and a writer half (asyncio's
//! `StreamReader`/`StreamWriter`); the response is read line by line as a
//! `Stream`, built with `futures::stream::unfold`, which is what the book's
//! async generator `read_until_empty` becomes in Rust (no `yield` in stable
//! Rust yet). Each half can move to its own task, as chat programs need.
//! As in 8.1, `--timeout` (30 s) bounds the whole exchange.
//!
//! Run: cargo run -p chapter08 -- 8.3

use anyhow::Context as _;
use futures::{Stream, StreamExt as _};
use shared_util::Ctx;
use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;

use crate::http::{authority, bounded, get_request, split_url};

/// Yields decoded lines until the reader runs dry.
fn read_until_empty(reader: impl AsyncRead + Unpin) -> impl Stream<Item = std::io::Result<String>> {
    futures::stream::unfold(BufReader::new(reader), |mut reader| async move {
        let mut line = String::new();
        match reader.read_line(&mut line).await {
            Ok(0) => None,
            Ok(_) => Some((Ok(line.trim_end_matches(['\r', '\n']).to_owned()), reader)),
            Err(error) => Some((Err(error), reader)),
        }
    })
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let (host, port, path) = split_url(&ctx.url()?)?;
    bounded(ctx, &host, port, async {
        let stream = TcpStream::connect((host.as_str(), port))
            .await
            .with_context(|| format!("could not connect to {host}:{port}"))?;
        let (reader, mut writer) = stream.into_split();

        writer
            .write_all(get_request(&authority(&host, port), &path).as_bytes())
            .await?;
        writer.flush().await?;

        let mut lines = std::pin::pin!(read_until_empty(reader));
        while let Some(line) = lines.next().await {
            println!("{}", line?);
        }
        writer.shutdown().await?; // the book's writer.close() and wait_closed()
        Ok(())
    })
    .await
}
