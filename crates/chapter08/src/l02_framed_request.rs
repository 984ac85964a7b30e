//! Listing 8.2 — Making the request: the protocol as a codec behind `Framed`.
//!
//! The book creates a connection with its protocol and awaits the
//! protocol's future. Tokio's idiom for "a protocol" is a `Decoder` plus
//! `Framed`: the same decoder as 8.1, but `Framed` does the buffering and
//! the read loop, and the connection becomes a `Stream` of whole responses.
//! The events still print: connected, each framed response, end of stream.
//! As in 8.1, `--timeout` (30 s) bounds the whole exchange.
//!
//! Run: cargo run -p chapter08 -- 8.2

use anyhow::Context as _;
use futures::StreamExt as _;
use shared_util::Ctx;
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

use crate::http::{HttpResponse, HttpResponseDecoder, authority, bounded, get_request, split_url};

async fn make_request(host: &str, port: u16, path: &str) -> anyhow::Result<HttpResponse> {
    let mut stream = TcpStream::connect((host, port))
        .await
        .with_context(|| format!("could not connect to {host}:{port}"))?;
    println!("connection made: sending GET {path} to {host}:{port}");
    stream
        .write_all(get_request(&authority(host, port), path).as_bytes())
        .await?;
    let mut frames = Framed::new(stream, HttpResponseDecoder::default());
    let mut response = None;
    while let Some(frame) = frames.next().await {
        let frame = frame?;
        println!("response framed: {} body bytes", frame.body.len());
        response.get_or_insert(frame);
    }
    println!("end of stream");
    response.context("the server closed the connection without a response")
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let (host, port, path) = split_url(&ctx.url()?)?;
    let response = bounded(ctx, &host, port, make_request(&host, port, &path)).await?;
    println!("{}", response.status_line);
    println!("{}", String::from_utf8_lossy(&response.body));
    Ok(())
}
