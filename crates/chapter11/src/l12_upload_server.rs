//! Listing 11.12 — An upload server that prints each finished upload.
//!
//! Every connection gets a `FileUpload` (listing 11.11) and a second task
//! that waits on its event and reports the upload. The reader and the
//! reporter never share a loop or a callback: the event hands over. Unlike
//! the book, which keeps every byte, the server reads in 16 KiB chunks and
//! keeps only the first 256 bytes to show: a 200 MiB upload costs kilobytes.
//! An upload over `--max-upload-mib` (256) is refused with a line to the
//! client, one silent for `--upload-idle` seconds (30) is given up, and
//! `accept` backs off when out of file descriptors. Listens on
//! 127.0.0.1:9000 (`--port`) until Ctrl-C; try
//! `printf 'hello' | nc -N 127.0.0.1 9000`. `--demo` uploads two files.
//!
//! Run: cargo run -p chapter11 -- 11.12

use std::net::SocketAddr;
use std::time::Duration;

use shared_util::Ctx;
use shared_util::net::Acceptor;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::l11_file_upload::{Ended, FileUpload, Limits};

/// How much of an upload is shown.
const SHOWN: usize = 256;

async fn dump_contents_on_complete(upload: FileUpload, peer: SocketAddr) {
    let (bytes, kept, ended) = upload.outcome().await;
    let shown = String::from_utf8_lossy(&kept);
    let more = if bytes > kept.len() as u64 {
        format!("... ({} more bytes)", bytes - kept.len() as u64)
    } else {
        String::new()
    };
    match ended {
        Ended::Complete => println!("Upload finished ({bytes} bytes): {shown:?}{more}"),
        Ended::TooLarge => {
            println!("Upload from {peer} refused: over the size limit after {bytes} bytes")
        }
        Ended::Idle => println!("Upload from {peer} given up: idle, after {bytes} bytes"),
        Ended::Failed(error) => {
            println!("Upload from {peer} cut short after {bytes} bytes: {error}")
        }
    }
}

/// Accepts connections; each one's upload is reported when it ends.
/// With `uploads`, stops after that many have been reported (for `--demo`).
async fn serve(
    listener: TcpListener,
    limits: Limits,
    uploads: Option<usize>,
) -> anyhow::Result<()> {
    let mut printers = JoinSet::new();
    let mut reported = 0;
    let mut acceptor = Acceptor::new(listener);
    while uploads.is_none_or(|n| reported + printers.len() < n) {
        let (stream, peer) = acceptor.accept().await;
        println!("Connection from {peer}");
        let upload = FileUpload::listen_with(stream, limits);
        printers.spawn(dump_contents_on_complete(upload, peer));
        // Finished reporters are collected as we go, not kept for ever.
        while printers.try_join_next().is_some() {
            reported += 1;
        }
    }
    printers.join_all().await;
    Ok(())
}

/// The scripted client of `--demo`: uploads `contents` and hangs up.
async fn upload_file(port: u16, name: &str, contents: &str) -> anyhow::Result<()> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    println!("client: uploading {name} ({} bytes)", contents.len());
    stream.write_all(contents.as_bytes()).await?;
    stream.shutdown().await?;
    Ok(())
}

/// Listens on 127.0.0.1:`port`; a port in use is a one-line error naming it.
async fn bind(port: u16) -> anyhow::Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
                "port {port} is already in use on 127.0.0.1; stop what is using it or pick another with --port"
            ),
            _ => anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {error}"),
        })
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let options = ctx.options::<crate::Options>();
    let limits = Limits {
        keep: SHOWN,
        max_bytes: options.max_upload_mib << 20,
        idle: Duration::from_secs(options.upload_idle),
    };
    // The demo must not fight a real server for port 9000: any free port.
    let port = if ctx.flags.demo {
        ctx.flags.port.unwrap_or(0)
    } else {
        ctx.port_or(9000)
    };
    let listener = bind(port).await?;
    let port = listener.local_addr()?.port();
    println!("Upload server listening on 127.0.0.1:{port}");

    if !ctx.flags.demo {
        return serve(listener, limits, None).await;
    }
    let server = tokio::spawn(serve(listener, limits, Some(2)));
    upload_file(port, "notes.txt", "Buy milk.\nCall the dentist.\n").await?;
    upload_file(
        port,
        "haiku.txt",
        "an old silent pond\na frog jumps into the pond\nsplash! silence again\n",
    )
    .await?;
    // Bounded: a lost upload is reported, not waited for for ever.
    match tokio::time::timeout(Duration::from_secs(10), server).await {
        Ok(served) => served?,
        Err(_) => anyhow::bail!("the server did not print both uploads within 10 s"),
    }
}
