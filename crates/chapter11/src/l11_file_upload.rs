//! Listing 11.11 — A file upload that hands over its contents through an event.
//!
//! `FileUpload` reads a connection until the client closes it, then sets an
//! event; `get_contents` waits on that event and returns what arrived. It
//! takes any `AsyncRead`, so this run feeds it an in-memory pipe with a
//! client that writes three chunks a second apart; listing 11.12 gives it
//! TCP connections. In Rust the reading task owns the stream: when it hits
//! the end, dropping the stream closes the connection (the book's `close()`).
//!
//! Run: cargo run -p chapter11 -- 11.11

use std::sync::{Arc, Mutex};
use std::time::Duration;

use shared_util::Ctx;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use crate::event::Event;

/// One upload in progress: the bytes so far, and an event set at the end.
pub struct FileUpload {
    buffer: Arc<Mutex<Vec<u8>>>,
    finished: Arc<Event>,
}

impl FileUpload {
    /// Starts a task that reads `stream` to its end.
    pub fn listen_for_uploads(stream: impl AsyncRead + Unpin + Send + 'static) -> Self {
        let upload = Self {
            buffer: Arc::default(),
            finished: Arc::new(Event::new()),
        };
        tokio::spawn(accept_upload(
            stream,
            upload.buffer.clone(),
            upload.finished.clone(),
        ));
        upload
    }

    /// Waits until the upload is complete, then returns its contents.
    pub async fn get_contents(&self) -> Vec<u8> {
        self.finished.wait().await;
        self.buffer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

async fn accept_upload(
    mut stream: impl AsyncRead + Unpin,
    buffer: Arc<Mutex<Vec<u8>>>,
    finished: Arc<Event>,
) {
    let mut chunk = [0; 1024];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) => break,
            Ok(n) => buffer
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend_from_slice(&chunk[..n]),
            Err(error) => {
                eprintln!("upload cut short: {error}");
                break;
            }
        }
    }
    // Set even after an error, so nobody waits for ever on a dead upload.
    finished.set();
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
