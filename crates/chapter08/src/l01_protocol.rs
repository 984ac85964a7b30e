//! Listing 8.1 — An HTTP GET written as a protocol with callbacks.
//!
//! asyncio's transport calls `connection_made`, `data_received` and
//! `eof_received` on a protocol object. Rust has no such callback layer in
//! Tokio, so a ten-line `transport` loop below plays asyncio's part and calls
//! our `Protocol` trait; the protocol feeds every chunk to a `Decoder` that
//! frames the response, and hands it over through a oneshot channel (the
//! book's future). A raw socket has no timeout, so the whole exchange gets
//! one (`--timeout`, 30 s). Try `cargo run -p chapter08 -- 8.1 --url
//! http://example.com`.
//!
//! Run: cargo run -p chapter08 -- 8.1 --url http://example.com

use anyhow::Context as _;
use shared_util::Ctx;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_util::bytes::BytesMut;
use tokio_util::codec::Decoder as _;

use crate::http::{HttpResponse, HttpResponseDecoder, authority, bounded, get_request, split_url};

/// The callbacks asyncio's transports call.
pub trait Protocol {
    /// Returns the bytes to write once connected.
    fn connection_made(&mut self) -> Vec<u8>;
    fn data_received(&mut self, data: &[u8]);
    fn eof_received(&mut self);
}

/// What asyncio does for us: connect, write, read chunks, report end.
async fn transport(mut stream: TcpStream, protocol: &mut impl Protocol) -> anyhow::Result<()> {
    stream.write_all(&protocol.connection_made()).await?;
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk).await? {
            0 => break protocol.eof_received(),
            n => protocol.data_received(&chunk[..n]),
        }
    }
    Ok(())
}

/// The book's `HTTPGetClientProtocol`.
pub struct HttpGetClientProtocol {
    host: String,
    path: String,
    buffer: BytesMut,
    decoder: HttpResponseDecoder,
    done: Option<oneshot::Sender<anyhow::Result<HttpResponse>>>,
}

impl HttpGetClientProtocol {
    fn deliver(&mut self, result: anyhow::Result<Option<HttpResponse>>) {
        let outcome = match result {
            Ok(Some(response)) => Ok(response),
            Ok(None) => return, // not a whole response yet
            Err(error) => Err(error),
        };
        if let Some(done) = self.done.take() {
            let _ = done.send(outcome);
        }
    }
}

impl Protocol for HttpGetClientProtocol {
    fn connection_made(&mut self) -> Vec<u8> {
        println!(
            "connection made: sending GET {} to {}",
            self.path, self.host
        );
        get_request(&self.host, &self.path).into_bytes()
    }

    fn data_received(&mut self, data: &[u8]) {
        println!("data received: {} bytes", data.len());
        self.buffer.extend_from_slice(data);
        let result = self.decoder.decode(&mut self.buffer);
        self.deliver(result);
    }

    fn eof_received(&mut self) {
        println!("end of stream");
        let result = self.decoder.decode_eof(&mut self.buffer);
        self.deliver(result);
    }
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let (host, port, path) = split_url(&ctx.url()?)?;
    let (done, response) = oneshot::channel();
    let mut protocol = HttpGetClientProtocol {
        host: authority(&host, port),
        path,
        buffer: BytesMut::new(),
        decoder: HttpResponseDecoder::default(),
        done: Some(done),
    };
    bounded(ctx, &host, port, async {
        let stream = TcpStream::connect((host.as_str(), port))
            .await
            .with_context(|| format!("could not connect to {host}:{port}"))?;
        transport(stream, &mut protocol).await
    })
    .await?;
    let response = response
        .await
        .map_err(|_| anyhow::anyhow!("the connection closed before any response"))??;
    println!("{}", response.status_line);
    println!("{}", String::from_utf8_lossy(&response.body));
    Ok(())
}
