//! Listing 11.11 — A file upload that hands over its contents through an event.
//!
//! `FileUpload` reads a connection until the client closes it, then sets an
//! event; `get_contents` waits on that event and returns what arrived. It
//! takes any `AsyncRead`, so this run feeds it an in-memory pipe with a
//! client that writes three chunks a second apart; listing 11.12 gives it
//! TCP connections. In Rust the reading task owns the stream: when it hits
//! the end, dropping the stream closes the connection (the book's `close()`).
//! [`Limits`] are for a server facing strangers (11.12): keep only the
//! first bytes, refuse an upload over a size, give up on a silent one.
//!
//! Run: cargo run -p chapter11 -- 11.11

use std::sync::{Arc, Mutex};
use std::time::Duration;

use shared_util::Ctx;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::event::Event;

/// What an upload may cost a server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes kept for `get_contents`; the rest is counted, not stored.
    pub keep: usize,
    /// An upload larger than this is refused, with a line to the client.
    pub max_bytes: u64,
    /// An upload that sends nothing for this long is given up.
    pub idle: Duration,
}

impl Limits {
    /// Keep everything, for ever: the book's `FileUpload`.
    pub const NONE: Limits = Limits {
        keep: usize::MAX,
        max_bytes: u64::MAX,
        idle: Duration::MAX,
    };
}

/// How an upload ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Ended {
    /// The client closed its side: the upload is complete.
    #[default]
    Complete,
    /// More than `max_bytes` arrived: refused.
    TooLarge,
    /// Nothing arrived for `idle`.
    Idle,
    /// The connection failed.
    Failed(String),
}

#[derive(Default)]
struct Progress {
    kept: Vec<u8>,
    total: u64,
    ended: Ended,
}

/// One upload in progress: the bytes so far, and an event set at the end.
pub struct FileUpload {
    progress: Arc<Mutex<Progress>>,
    finished: Arc<Event>,
}

impl FileUpload {
    /// Starts a task that reads `stream` to its end.
    pub fn listen_for_uploads(
        stream: impl AsyncRead + AsyncWrite + Unpin + Send + 'static,
    ) -> Self {
        Self::listen_with(stream, Limits::NONE)
    }

    /// [`FileUpload::listen_for_uploads`] within `limits`.
    pub fn listen_with(
        stream: impl AsyncRead + AsyncWrite + Unpin + Send + 'static,
        limits: Limits,
    ) -> Self {
        let upload = Self {
            progress: Arc::default(),
            finished: Arc::new(Event::new()),
        };
        let (progress, finished) = (upload.progress.clone(), upload.finished.clone());
        tokio::spawn(async move {
            let ended = accept_upload(stream, &progress, limits).await;
            progress.lock().unwrap_or_else(|e| e.into_inner()).ended = ended;
            // Set even after an error, so nobody waits for ever on a dead upload.
            finished.set();
        });
        upload
    }

    /// Waits until the upload is complete, then returns its contents (the
    /// first `keep` bytes of them).
    pub async fn get_contents(&self) -> Vec<u8> {
        self.finished.wait().await;
        let progress = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        progress.kept.clone()
    }

    /// Waits until the upload ends; returns how many bytes arrived, the
    /// bytes kept, and how it ended.
    pub async fn outcome(&self) -> (u64, Vec<u8>, Ended) {
        self.finished.wait().await;
        let mut progress = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        let kept = std::mem::take(&mut progress.kept);
        (progress.total, kept, progress.ended.clone())
    }
}

async fn accept_upload(
    mut stream: impl AsyncRead + AsyncWrite + Unpin,
    progress: &Mutex<Progress>,
    limits: Limits,
) -> Ended {
    let mut chunk = vec![0; 16 * 1024];
    loop {
        let read = if limits.idle == Duration::MAX {
            Ok(stream.read(&mut chunk).await) // no timer a paused clock could jump to
        } else {
            tokio::time::timeout(limits.idle, stream.read(&mut chunk)).await
        };
        let read = match read {
            Ok(read) => read,
            Err(_) => {
                let message = format!("no data for {} s; closing\n", limits.idle.as_secs());
                let _ = stream.write_all(message.as_bytes()).await;
                return Ended::Idle;
            }
        };
        let n = match read {
            Ok(0) => return Ended::Complete,
            Ok(n) => n,
            Err(error) => return Ended::Failed(error.to_string()),
        };
        let too_large = {
            let mut progress = progress.lock().unwrap_or_else(|e| e.into_inner());
            progress.total += n as u64;
            let room = limits.keep.saturating_sub(progress.kept.len()).min(n);
            progress.kept.extend_from_slice(&chunk[..room]);
            progress.total > limits.max_bytes
        };
        if too_large {
            let message = format!(
                "upload refused: larger than {} bytes; closing\n",
                limits.max_bytes
            );
            let _ = stream.write_all(message.as_bytes()).await;
            return Ended::TooLarge;
        }
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let (mut client, server) = tokio::io::duplex(1024);
    let upload = FileUpload::listen_for_uploads(server);

    tokio::spawn(async move {
        for chunk in ["first line\n", "second line\n", "third line\n"] {
            println!("client: sending {} bytes", chunk.len());
            client.write_all(chunk.as_bytes()).await?;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        println!("client: done, closing the connection");
        client.shutdown().await
    });

    println!("Waiting for the upload to finish...");
    let contents = upload.get_contents().await;
    println!("Upload complete, {} bytes:", contents.len());
    print!("{}", String::from_utf8_lossy(&contents));
    Ok(())
}
