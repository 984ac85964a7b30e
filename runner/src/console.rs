//! `--console`: the run as [tokio-console](https://github.com/tokio-rs/console)
//! sees it — every task, its name, its polls, busy and idle time.
//!
//! The console reads a gRPC stream that `console-subscriber` serves from
//! inside the program. Here it is served on 127.0.0.1, on a free port
//! (`--console-port` picks one), from a thread of its own with its own
//! small runtime, so it outlives each listing's runtime: `all` and `walk`
//! show every listing's tasks in one console. The port is announced on
//! stderr before the first listing starts; when the run is over the
//! server stays up until Enter (or the end of input), so a console started
//! late still shows the finished tasks: a 3-second listing is over before
//! anyone has typed the console's command.
//!
//! It costs a build: the gRPC stack (tonic, prost, hyper's HTTP/2) is
//! behind the runner's `console` feature, off by default, and Tokio only
//! reports its tasks when built with `--cfg tokio_unstable`
//! (`.cargo/config.toml` sets it). A run asked for `--console` without
//! either is a usage error that says how to rebuild.

use crate::args::RunArgs;
use crate::chapter::Chapter;
use crate::error::Failure;

/// What `--console` prints to install the console itself.
const INSTALL: &str = "cargo install --locked tokio-console";

/// A console server that is up (only with `--console`).
#[derive(Debug)]
pub(crate) struct Console {
    address: std::net::SocketAddr,
}

/// Starts the console server if `args` ask for it, and announces it on
/// stderr: `console: tokio-console http://127.0.0.1:PORT  (install: ...)`.
/// A usage error when this build cannot serve it.
pub(crate) fn start(chapter: &Chapter, args: &RunArgs) -> Result<Option<Console>, Failure> {
    if !args.console && args.console_port.is_none() {
        return Ok(None);
    }
    let rebuild = rebuild_command(chapter);
    if !cfg!(feature = "console") {
        return Err(Failure::Usage(format!(
            "--console needs the runner's `console` feature, which this build leaves out \
             (it adds tokio-console's gRPC server); rebuild with it: `{rebuild}`"
        )));
    }
    if !cfg!(tokio_unstable) {
        return Err(Failure::Usage(format!(
            "--console needs a build with `--cfg tokio_unstable`, and this one lacks it: \
             RUSTFLAGS in the environment replaces the flags of .cargo/config.toml; \
             unset RUSTFLAGS (or add `--cfg tokio_unstable` to it) and rebuild: `{rebuild}`"
        )));
    }
    let address = serve(args.console_port.unwrap_or(0))?;
    eprintln!("console: tokio-console http://{address}  (install: {INSTALL})");
    Ok(Some(Console { address }))
}

impl Console {
    /// After the run: keeps the server up until Enter or the end of input,
    /// so the console can still be opened on the finished tasks.
    pub(crate) fn linger(self) {
        use std::io::BufRead as _;
        eprintln!(
            "console: the run is over; tokio-console http://{} still shows its tasks: press Enter to exit",
            self.address
        );
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
    }
}

/// The command that rebuilds this chapter with the feature and runs what
/// was asked again.
fn rebuild_command(chapter: &Chapter) -> String {
    let words: Vec<String> = std::env::args().skip(1).map(|w| quoted(&w)).collect();
    format!(
        "cargo run -p {} --features console -- {}",
        chapter.crate_name(),
        words.join(" ")
    )
}

/// `word` as a shell reads it back: in single quotes when it needs them.
fn quoted(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,/:=@+%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Installs the console's layer as the process's tracing subscriber and
/// serves its gRPC API on `127.0.0.1:port` (0: a free port); returns the
/// address.
#[cfg(feature = "console")]
fn serve(port: u16) -> Result<std::net::SocketAddr, Failure> {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;

    let listener = shared_util::net::bind_loopback(port)
        .and_then(|listener| {
            listener.set_nonblocking(true)?;
            Ok(listener)
        })
        .map_err(|e| Failure::Usage(format!("--console: {e:#}")))?;
    let address = listener
        .local_addr()
        .map_err(|e| Failure::Listing(anyhow::Error::new(e).context("--console's address")))?;
    let (layer, server) = console_subscriber::ConsoleLayer::builder().build();
    // Only Tokio's own instrumentation is the console's business, not the
    // spans and events of the libraries a listing uses.
    let tokio_only = tracing_subscriber::filter::filter_fn(|meta| {
        if meta.is_event() {
            meta.target().starts_with("runtime") || meta.target().starts_with("tokio")
        } else {
            meta.name().starts_with("runtime.") || meta.target().starts_with("tokio")
        }
    });
    tracing_subscriber::registry()
        .with(layer.with_filter(tokio_only))
        .try_init()
        .map_err(|e| {
            Failure::Listing(anyhow::anyhow!(
                "--console: a tracing subscriber is already set: {e}"
            ))
        })?;
    std::thread::Builder::new()
        .name("console-server".into())
        .spawn(move || {
            // The server's own tasks stay out of the console.
            let _quiet =
                tracing::subscriber::set_default(tracing::subscriber::NoSubscriber::default());
            if let Err(e) = run_server(listener, server) {
                eprintln!("console: the server stopped: {e}");
            }
        })
        .map_err(|e| {
            Failure::Listing(anyhow::Error::new(e).context("--console's server thread"))
        })?;
    Ok(address)
}

/// The console's gRPC server and its aggregator, on a runtime of their own.
#[cfg(feature = "console")]
fn run_server(
    listener: std::net::TcpListener,
    server: console_subscriber::Server,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let console_subscriber::ServerParts {
            instrument_server,
            aggregator,
            ..
        } = server.into_parts();
        let aggregate = tokio::spawn(aggregator.run());
        let served = tonic::transport::Server::builder()
            .add_service(instrument_server)
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
            .await;
        aggregate.abort();
        Ok(served?)
    })
}

/// Without the `console` feature there is nothing to serve: [`start`]
/// refused the run already.
#[cfg(not(feature = "console"))]
fn serve(_port: u16) -> Result<std::net::SocketAddr, Failure> {
    unreachable!("start() refuses --console without the console feature")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_a_shell_needs_it() {
        assert_eq!(quoted("2.9"), "2.9");
        assert_eq!(
            quoted("--url=http://127.0.0.1:8/x"),
            "--url=http://127.0.0.1:8/x"
        );
        assert_eq!(quoted("two words"), "'two words'");
        assert_eq!(quoted("it's"), r"'it'\''s'");
        assert_eq!(quoted(""), "''");
    }
}
