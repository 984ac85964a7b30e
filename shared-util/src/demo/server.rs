//! The demo server: an offline stand-in for example.com.
//!
//! The book's web listings hit real sites; a class may have no network, and
//! a real site's latency is nobody's to control. [`DemoServer::start`] serves
//! on `127.0.0.1`, on a free port, on a runtime of its own in a background
//! thread, and returns its address. It serves the routes of [`ROUTES`], the
//! one list of them: the routing, the 404 answer, the binary's banner and
//! the README's list (checked by a test) all come from it. Four routes need
//! no framework: the server is plain hyper with a routing function of a
//! dozen lines, so the runner, which starts it for `compare`, does not
//! build axum. The generated site chapter 12 crawls is described in [`site`].
//!
//! Every connection is bounded by [`Limits`]: a request header must
//! arrive within 10 s and fit in 16 KiB, at most 2048 connections are
//! served at once, and a shutdown waits at most 5 s for requests in
//! flight. A slow or silent client cannot hold the server or its memory.
//!
//! An optional fixed latency is added to every request. The server counts
//! the requests it served and the peak number in flight at once, so a
//! listing can print "the server saw at most 1000 requests at once" and a
//! test can assert it.
//!
//! Running on its own runtime and thread matters: a listing that blocks its
//! own event loop (listing 2.20) must not block the server too.
//! `cargo run -p shared-util --bin demo-server -- --port 8080` runs it alone.

mod routes;
pub mod site;

use routes::dispatch;
pub use routes::{Answer, ROUTES, Route};

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use hyper::Request;
use hyper::body::Incoming;
use tokio::sync::oneshot;

/// How to run the demo server.
#[derive(Debug, Clone, Default)]
pub struct DemoConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Added to every request before it is handled, to imitate a far server.
    pub latency: Duration,
    /// Print a line on stdout as each request arrives, with the number in
    /// flight (the `demo-server` binary's `--log`); listings leave it off.
    pub log: bool,
}

/// Counters shared by the request handlers and the owner of the server.
#[derive(Debug, Default)]
struct Counters {
    /// Requests that reached a handler.
    requests: AtomicU64,
    /// Requests being handled right now.
    in_flight: AtomicU64,
    /// The highest `in_flight` seen since start (or the last reset).
    peak_in_flight: AtomicU64,
    /// Added to every request, in microseconds: set at start, changed by
    /// [`DemoServer::set_latency`] (12.4 gives its crawl a default).
    latency_micros: AtomicU64,
    /// [`DemoConfig::log`].
    log: bool,
}

/// What the server has seen so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Requests served (or being served).
    pub requests: u64,
    /// Requests in flight right now.
    pub in_flight: u64,
    /// The most requests in flight at once.
    pub peak_in_flight: u64,
}

/// A running demo server; dropping it shuts the server down.
#[derive(Debug)]
pub struct DemoServer {
    addr: SocketAddr,
    url: String,
    counters: Arc<Counters>,
    /// Tells the server's thread to stop accepting and finish.
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DemoServer {
    /// Starts a server on a free port with no added latency.
    pub fn start() -> anyhow::Result<Self> {
        Self::start_with(DemoConfig::default())
    }

    /// Starts a server as `config` says, with the default [`Limits`].
    /// Fails with a clear message when the port is taken.
    pub fn start_with(config: DemoConfig) -> anyhow::Result<Self> {
        Self::start_limited(config, Limits::default())
    }

    /// Starts a server as `config` says, within `limits`.
    pub fn start_limited(config: DemoConfig, limits: Limits) -> anyhow::Result<Self> {
        // 1000 requests arrive at once (4.6, 7.4's 1000 threads): room for
        // all of them in the accept queue, so none waits for a SYN retry.
        let listener = crate::net::bind_loopback_backlog(config.port, 4096)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let counters = Arc::new(Counters {
            log: config.log,
            ..Counters::default()
        });
        counters
            .latency_micros
            .store(micros(config.latency), Ordering::SeqCst);
        let (shutdown, shutdown_rx) = oneshot::channel();

        let app = {
            let counters = Arc::clone(&counters);
            tower::service_fn(move |request| answer(Arc::clone(&counters), request))
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("could not build the demo server's runtime")?;
        let thread = std::thread::Builder::new()
            .name("demo-server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => {
                            serve(listener, app, limits, async {
                                let _ = shutdown_rx.await;
                            })
                            .await;
                        }
                        Err(e) => say(format_args!("demo server: {e}")),
                    }
                });
            })
            .context("could not start the demo server's thread")?;

        Ok(Self {
            addr,
            url: format!("http://{addr}"),
            counters,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The base URL, `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The counters as they are now.
    pub fn stats(&self) -> Stats {
        Stats {
            requests: self.counters.requests.load(Ordering::SeqCst),
            in_flight: self.counters.in_flight.load(Ordering::SeqCst),
            peak_in_flight: self.counters.peak_in_flight.load(Ordering::SeqCst),
        }
    }

    /// The latency added to every request from now on; requests already
    /// waiting keep theirs. The runner sets it back to `--latency-ms` (or
    /// none) before each listing.
    pub fn set_latency(&self, latency: Duration) {
        self.counters
            .latency_micros
            .store(micros(latency), Ordering::SeqCst);
    }

    /// The latency added to every request now.
    pub fn latency(&self) -> Duration {
        Duration::from_micros(self.counters.latency_micros.load(Ordering::SeqCst))
    }

    /// Sets the request count and the peak back to zero, so that one
    /// listing's numbers do not include another's.
    pub fn reset_stats(&self) {
        self.counters.requests.store(0, Ordering::SeqCst);
        let now = self.counters.in_flight.load(Ordering::SeqCst);
        self.counters.peak_in_flight.store(now, Ordering::SeqCst);
    }

    /// Stops accepting, lets requests in flight finish (for at most
    /// [`Limits::grace`]), and waits for the server's thread.
    pub fn shutdown(mut self) {
        self.stop(true);
    }

    fn stop(&mut self, wait: bool) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take()
            && wait
        {
            let _ = thread.join();
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        // Do not wait here: a drop may happen on an async thread.
        self.stop(false);
    }
}

pub use crate::http_server::Limits;
use crate::http_server::serve;

/// Prints a line if stdout is still there: a server whose terminal has
/// gone (stdout closed) goes on serving instead of panicking.
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout(), "{line}");
}

fn micros(latency: Duration) -> u64 {
    u64::try_from(latency.as_micros()).unwrap_or(u64::MAX)
}

/// Decrements the in-flight count when a request ends, however it ends
/// (including a client that hangs up half-way).
struct InFlight(Arc<Counters>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counts every request (a 404 too), adds the latency, then answers it.
async fn answer(counters: Arc<Counters>, request: Request<Incoming>) -> Result<Answer, Infallible> {
    let latency = Duration::from_micros(counters.latency_micros.load(Ordering::SeqCst));
    counters.requests.fetch_add(1, Ordering::SeqCst);
    let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    counters.peak_in_flight.fetch_max(now, Ordering::SeqCst);
    if counters.log {
        say(format_args!(
            "{} {} (in flight: {now})",
            request.method(),
            request.uri()
        ));
    }
    let _in_flight = InFlight(counters);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    Ok(dispatch(request.method(), request.uri().path()).await)
}
