//! Listing 4.1 — An async "context manager" over an accepted connection.
//!
//! Python's `async with` runs `__aenter__` (wait for a client) and
//! `__aexit__` (close it) around a block. Rust has no async drop, so the
//! same shape is RAII plus an explicit async close: `enter` accepts, the body
//! reads, `exit` shuts the connection down; if `exit` is never reached (an
//! error, a cancelled task), `Drop` still closes the socket, just not
//! asynchronously. Try it: run `4.1`, then `nc 127.0.0.1 8000` and type.
//!
//! Run: cargo run -p chapter04 -- 4.1

use std::time::Duration;

use anyhow::Context as _;
use shared_util::Ctx;
use shared_util::net::Acceptor;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

struct ConnectedSocket {
    /// `None` once `exit` has closed it.
    connection: Option<TcpStream>,
}

impl ConnectedSocket {
    /// `__aenter__`: wait for a client. A failed accept (out of file
    /// descriptors, say) is retried rather than ending the listing.
    async fn enter(listener: &mut Acceptor) -> anyhow::Result<Self> {
        println!("Entering context manager, waiting for connection");
        let (connection, _address) = listener.accept().await;
        println!("Accepted a connection");
        Ok(Self {
            connection: Some(connection),
        })
    }

    fn connection(&mut self) -> &mut TcpStream {
        self.connection.as_mut().expect("open until exit")
    }

    /// `__aexit__`: close the connection, politely (a FIN, then the socket).
    async fn exit(mut self) -> anyhow::Result<()> {
        println!("Exiting context manager");
        if let Some(mut connection) = self.connection.take() {
            connection.shutdown().await?;
        }
        println!("Closed connection");
        Ok(())
    }
}

impl Drop for ConnectedSocket {
    fn drop(&mut self) {
        if self.connection.is_some() {
            // Dropping the TcpStream below closes the socket synchronously.
            println!("Closed connection (dropped without exit)");
        }
    }
}

/// Shows bytes the way Python prints them: `b'test\r\n'`.
fn python_bytes(bytes: &[u8]) -> String {
    let escaped: String = bytes
        .iter()
        .flat_map(|b| b.escape_ascii())
        .map(char::from)
        .collect();
    format!("b'{escaped}'")
}

async fn bind(port: u16) -> anyhow::Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "port {port} on 127.0.0.1 is already in use; choose another with --port (0 picks a free one)"
        ),
        _ => anyhow::Error::new(e).context(format!("could not listen on 127.0.0.1:{port}")),
    })
}

/// The book's telnet session, scripted: connect, send `test`, wait for the
/// server to close.
async fn scripted_client(port: u16) -> anyhow::Result<()> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    stream.write_all(b"test\r\n").await?;
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await?;
    Ok(())
}

/// The body of the book's `main`, from `async with` to the end of the block.
async fn serve_once(listener: &mut Acceptor) -> anyhow::Result<()> {
    let mut socket = ConnectedSocket::enter(listener).await?;
    let body = async {
        let mut buffer = [0; 1024];
        let read = socket.connection().read(&mut buffer).await?;
        println!("{}", python_bytes(&buffer[..read]));
        anyhow::Ok(())
    }
    .await;
    // Runs whether the body succeeded or not, like __aexit__.
    socket.exit().await?;
    body
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut listener =
        Acceptor::new(bind(ctx.port_or(if ctx.flags.demo { 0 } else { 8000 })).await?);
    let port = listener.local_addr()?.port();
    if !ctx.flags.demo {
        println!(
            "(listening on 127.0.0.1:{port}: connect with `nc 127.0.0.1 {port}` and type a line)"
        );
        return serve_once(&mut listener).await;
    }
    // Demo: a scripted client plays the book's telnet session, and the
    // whole exchange gets a bound so that nothing can wait forever.
    let client = tokio::spawn(scripted_client(port));
    tokio::time::timeout(Duration::from_secs(5), serve_once(&mut listener))
        .await
        .context("no client connected and sent a line within 5 s")??;
    tokio::time::timeout(Duration::from_secs(5), client)
        .await
        .context("the scripted client did not finish within 5 s")???;
    Ok(())
}
