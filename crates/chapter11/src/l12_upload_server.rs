//! Listing 11.12 — An upload server that prints each finished upload.
//!
//! Every connection gets a `FileUpload` (listing 11.11) and a second task
//! that waits on its event and prints the contents. The reader and the
//! printer never share a loop or a callback: the event hands over.
//! Listens on 127.0.0.1:9000 (`--port` to change) until Ctrl-C; try
//! `printf 'hello' | nc -N 127.0.0.1 9000`. `--demo` uploads two files with a
//! scripted client on a free port, prints what arrived and stops.
//!
//! Run: cargo run -p chapter11 -- 11.12

use std::time::Duration;

use shared_util::Ctx;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::l11_file_upload::FileUpload;

async fn dump_contents_on_complete(upload: FileUpload) {
    let contents = upload.get_contents().await;
    println!(
        "Upload finished ({} bytes): {:?}",
        contents.len(),
        String::from_utf8_lossy(&contents)
    );
}

/// Accepts connections; each one's contents are printed when complete.
/// With `uploads`, stops after that many have been printed (for `--demo`).
async fn serve(listener: TcpListener, uploads: Option<usize>) -> anyhow::Result<()> {
    let mut printers = JoinSet::new();
    while uploads.is_none_or(|n| printers.len() < n) {
        let (stream, peer) = listener.accept().await?;
        println!("Connection from {peer}");
        let upload = FileUpload::listen_for_uploads(stream);
        printers.spawn(dump_contents_on_complete(upload));
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
    // The demo must not fight a real server for port 9000: any free port.
    let port = if ctx.demo {
        ctx.port.unwrap_or(0)
    } else {
        ctx.port_or(9000)
    };
    let listener = bind(port).await?;
    let port = listener.local_addr()?.port();
    println!("Upload server listening on 127.0.0.1:{port}");

    if !ctx.demo {
        return serve(listener, None).await;
    }
    let server = tokio::spawn(serve(listener, Some(2)));
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
