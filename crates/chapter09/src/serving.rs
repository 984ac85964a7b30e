//! Serving an app the way aiohttp's `web.run_app` served the book's: listen
//! on 127.0.0.1 (`--port`; 8080 by default, a free port with `--demo`), log
//! one line per request, and on Ctrl-C (or SIGTERM) stop taking
//! connections, let the requests in flight finish, and return, so that the
//! listing closes its pool afterwards (the book's `on_cleanup`).
//!
//! The app runs under shared-util's bounded server
//! ([`shared_util::http_server`]), not bare `axum::serve`: a client that
//! connects and says nothing, or sends half a header, is closed after
//! 10 s, a shutdown closes idle connections at once and cuts requests
//! still running after [`SHUTDOWN_BOUND`] (saying how many), and a second
//! Ctrl-C quits without waiting.
//!
//! With `--demo`, a scripted client (reqwest) drives the server over real
//! HTTP and then sends the process SIGINT, so the demo ends through the
//! same shutdown path a person's Ctrl-C takes.

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use shared_util::Ctx;
use shared_util::http_server::Limits;
use shared_util::net::bind_loopback_async;
use tokio_util::sync::CancellationToken;

/// How long the requests still in flight at shutdown get to finish.
pub const SHUTDOWN_BOUND: Duration = Duration::from_secs(10);

/// What a client may cost the servers of this chapter.
pub const LIMITS: Limits = Limits {
    header_timeout: Duration::from_secs(10),
    max_connections: 2048,
    grace: SHUTDOWN_BOUND,
};

/// The port a server listing listens on: `--port`, else 0 (any free port)
/// for a demo, else the book's 8080.
pub fn port(ctx: &Ctx) -> u16 {
    match (ctx.flags.port, ctx.flags.demo) {
        (Some(port), _) => port,
        (None, true) => 0,
        (None, false) => 8080,
    }
}

/// SIGINT and SIGTERM, handled by this listing while it lives.
pub struct Stop(shared_util::signals::Stop);

impl Stop {
    /// Installs the handlers: do this before anything could signal us.
    pub fn install() -> anyhow::Result<Self> {
        Ok(Self(shared_util::signals::Stop::install()?))
    }

    /// Waits for SIGINT or SIGTERM and says which came.
    pub async fn wait(&mut self) {
        let name = self.0.wait().await;
        println!(
            "Got {name}: no new connections; finishing the requests in flight (again to quit now)"
        );
    }

    /// Waits for a second SIGINT or SIGTERM; returns which came.
    pub async fn again(&mut self) -> &'static str {
        self.0.wait().await
    }
}

/// Binds 127.0.0.1 on [`port`] and prints `listening on ADDRESS` (the line
/// tests and `compare` read the port from), then, for a person, a `curl`
/// line for each of `paths`.
pub async fn listen(ctx: &Ctx, paths: &[&str]) -> anyhow::Result<tokio::net::TcpListener> {
    let listener = bind_loopback_async(port(ctx)).await?;
    let address = listener.local_addr()?;
    announce(ctx, address, paths);
    Ok(listener)
}

/// The `listening on` line and, without `--demo`, how to try the server.
pub fn announce(ctx: &Ctx, address: SocketAddr, paths: &[&str]) {
    println!("listening on {address}");
    if !ctx.flags.demo {
        for path in paths {
            println!("try it: curl -i http://{address}{path}");
        }
        println!("stop it with Ctrl-C");
    }
}

/// Middleware that prints one line per request: method, path, status and
/// how long the handler took (aiohttp's access log).
pub async fn log_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let uri = request.uri().clone();
    let response = next.run(request).await;
    println!(
        "{method} {uri} -> {} ({:.1} ms)",
        response.status(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

/// `app` with the request log, unless `--quiet` (load runs).
pub fn logged(ctx: &Ctx, app: axum::Router) -> axum::Router {
    if ctx.options::<crate::Options>().quiet {
        app
    } else {
        app.layer(axum::middleware::from_fn(log_requests))
    }
}

/// Serves `app` until Ctrl-C (see the module docs); `demo` is the scripted
/// client of `--demo`, given the server's address.
pub async fn serve<D, F>(
    ctx: &Ctx,
    app: axum::Router,
    paths: &[&str],
    demo: D,
) -> anyhow::Result<()>
where
    D: FnOnce(SocketAddr) -> F,
    F: Future<Output = anyhow::Result<()>>,
{
    serve_with(ctx, app, paths, CancellationToken::new(), demo).await
}

/// [`serve`], cancelling `shutdown` when the server stops taking
/// connections, so long-lived handlers (websockets) can end too.
pub async fn serve_with<D, F>(
    ctx: &Ctx,
    app: axum::Router,
    paths: &[&str],
    shutdown: CancellationToken,
    demo: D,
) -> anyhow::Result<()>
where
    D: FnOnce(SocketAddr) -> F,
    F: Future<Output = anyhow::Result<()>>,
{
    let mut stop = Stop::install()?;
    let listener = listen(ctx, paths).await?;
    let address = listener.local_addr()?;
    let app = logged(ctx, app);
    let stopping = shutdown.clone();
    let mut server = tokio::spawn(shared_util::http_server::serve(
        listener,
        app,
        LIMITS,
        stopping.cancelled_owned(),
    ));
    let demo_outcome = match ctx.flags.demo {
        true => Some(run_demo(demo(address)).await),
        false => None,
    };
    stop.wait().await;
    shutdown.cancel();
    tokio::select! {
        served = &mut server => {
            let cut = served?.cut;
            if cut > 0 {
                println!(
                    "{cut} request(s) still running after {} s were cut",
                    SHUTDOWN_BOUND.as_secs()
                );
            }
        }
        name = stop.again() => {
            server.abort();
            println!("Got another {name}: quitting without waiting for the requests in flight");
        }
    }
    println!("server stopped");
    demo_outcome.transpose()?;
    Ok(())
}

/// Runs the scripted client, then sends ourselves SIGINT as Ctrl-C would,
/// whether the client succeeded or not (its outcome is returned).
pub async fn run_demo(client: impl Future<Output = anyhow::Result<()>>) -> anyhow::Result<()> {
    let outcome = client.await;
    println!("(demo: sending ourselves SIGINT, as Ctrl-C would)");
    shared_util::signals::raise_own(nix::sys::signal::Signal::SIGINT)?;
    outcome
}

/// The demo client's HTTP client: every request bounded.
pub fn demo_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?)
}

/// Sends `request` and prints `client: WHAT -> STATUS BODY` (the body cut
/// at `shown` characters); returns the status and the whole body.
pub async fn show(
    what: &str,
    request: reqwest::RequestBuilder,
    shown: usize,
) -> anyhow::Result<(u16, String)> {
    let response = request.send().await?;
    let status = response.status();
    let body = response.text().await?;
    let trimmed = body.trim_end();
    let mut cut: String = trimmed.chars().take(shown).collect();
    if cut.len() < trimmed.len() {
        cut.push_str(&format!("... ({} bytes)", body.len()));
    }
    println!("client: {what} -> {status} {cut}");
    Ok((status.as_u16(), body))
}

/// Counts the requests (or calls) in progress and the most at once: how a
/// listing shows concurrency by a count rather than by a clock.
#[derive(Debug, Default)]
pub struct Gauge {
    running: std::sync::atomic::AtomicUsize,
    peak: std::sync::atomic::AtomicUsize,
}

/// Held while one request runs; dropping it counts the request out.
#[must_use = "the request counts as running while the guard lives"]
pub struct Running<'a>(&'a Gauge);

impl Gauge {
    /// Counts one more in, until the guard drops.
    pub fn enter(&self) -> Running<'_> {
        use std::sync::atomic::Ordering::SeqCst;
        let now = self.running.fetch_add(1, SeqCst) + 1;
        self.peak.fetch_max(now, SeqCst);
        Running(self)
    }

    /// The most in progress at once so far.
    pub fn peak(&self) -> usize {
        self.peak.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0
            .running
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}
