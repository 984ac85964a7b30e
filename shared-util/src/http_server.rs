//! Serving an app on loopback with bounds no client can get around: the
//! accept loop of the demo server and of chapter 9's web apps. The app is
//! any tower `Service` from an HTTP request to an HTTP response: an axum
//! `Router` (chapter 9), or the demo server's hand-written router, which
//! keeps axum out of this crate and out of the runner.
//!
//! `axum::serve` is the two-line way to run a router, and it has no knobs:
//! a client that connects and sends nothing, or sends a header a byte at a
//! time, holds its connection (and a graceful shutdown) for as long as it
//! likes. [`serve`] drives hyper itself, as `axum::serve` does inside, and
//! adds what a server facing a class needs:
//!
//! - a request header must arrive within [`Limits::header_timeout`] and fit
//!   in 16 KiB, else the connection is closed;
//! - at most [`Limits::max_connections`] are served at once; more wait in
//!   the kernel's accept queue, costing the server nothing;
//! - a shutdown stops accepting, closes every connection between requests
//!   at once, gives requests in handlers [`Limits::grace`], and then cuts
//!   what is left, saying how many it cut ([`Served::cut`]).
//!
//! Websocket upgrades work as with `axum::serve`.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hyper::body::{Body, Incoming};
use hyper::{Request, Response};

/// What hyper takes for the error of a service or of a body.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What one client, or many, may cost the server.
///
/// A class points slow scripts, crawlers and the odd `nc` at the servers,
/// and a listing stops them when it ends: none of them may hold a server
/// (or its memory) for long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long a client may take to send a request's header, from its
    /// first byte (or from the end of the previous response). A client
    /// that sends nothing, or a header byte by byte, is closed after it.
    pub header_timeout: Duration,
    /// Connections served at once; more wait in the accept queue until
    /// one ends. 4.6 and 7.4 hold 1000 at once, so the cap sits above.
    pub max_connections: usize,
    /// How long a shutdown waits for requests in flight before it cuts
    /// them. A connection with no request in a handler (idle, or still
    /// sending its header) is closed at once.
    pub grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            max_connections: 2048,
            grace: Duration::from_secs(5),
        }
    }
}

/// How a server's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Served {
    /// Requests still in a handler when the grace ran out, cut off.
    pub cut: u64,
}

/// The largest request head a connection may buffer. hyper grows a
/// connection's read buffer up to about 400 KiB for a long header; the
/// requests here are one short line and a few headers, so 16 KiB bounds
/// the memory of many half-sent headers (a slowloris client).
const MAX_HEAD: usize = 16 * 1024;

/// How long a shutdown lets a connection with no request in a handler
/// finish writing: a response already answered goes out, a half-sent
/// header is dropped.
const FLUSH: Duration = Duration::from_millis(200);

/// Counts a request in a handler for as long as it lives, on its
/// connection's count and on the server's.
struct Busy([Arc<AtomicU64>; 2]);

impl Busy {
    fn enter(connection: &Arc<AtomicU64>, server: &Arc<AtomicU64>) -> Self {
        connection.fetch_add(1, Ordering::SeqCst);
        server.fetch_add(1, Ordering::SeqCst);
        Self([Arc::clone(connection), Arc::clone(server)])
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        for count in &self.0 {
            count.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Serves `app` on `listener` within `limits` until `stop` completes, then
/// shuts down as the module docs say and returns once every connection
/// has ended or been cut.
pub async fn serve<S, B>(
    listener: tokio::net::TcpListener,
    app: S,
    limits: Limits,
    stop: impl Future<Output = ()>,
) -> Served
where
    S: tower::Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let mut stop = std::pin::pin!(stop);
    let mut acceptor = crate::net::Acceptor::new(listener);
    // One slot per connection served; a shutdown waits until every slot
    // is back, so the semaphore is also the count of connections open.
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let in_handlers = Arc::new(AtomicU64::new(0));
    let mut connections = tokio::task::JoinSet::new();
    let (stopping, stop_asked) = tokio::sync::watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_HEAD);
    loop {
        // Forget the connections that ended.
        while connections.try_join_next().is_some() {}
        // A slot first: at the cap, new clients wait in the kernel's
        // accept queue and cost the server nothing.
        let slot = tokio::select! {
            () = &mut stop => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let (stream, _) = tokio::select! {
            () = &mut stop => break,
            accepted = acceptor.accept() => accepted,
        };
        // How many of this connection's requests are in a handler now: at
        // shutdown a connection with none is only a half-sent header (or
        // a response being written) and need not get the grace period.
        let busy = Arc::new(AtomicU64::new(0));
        let service = {
            let busy = Arc::clone(&busy);
            let in_handlers = Arc::clone(&in_handlers);
            let app = TowerToHyperService::new(app.clone());
            hyper::service::service_fn(move |request| {
                let guard = Busy::enter(&busy, &in_handlers);
                let answer = hyper::service::Service::call(&app, request);
                async move {
                    let answer = answer.await;
                    drop(guard);
                    answer
                }
            })
        };
        let connection = http
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades();
        let mut stop_asked = stop_asked.clone();
        connections.spawn(async move {
            let mut connection = std::pin::pin!(connection);
            // A client that resets or times out is its own business.
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stop_asked.changed() => {
                    // No new request on this connection; one in a handler
                    // may finish (the caller bounds that by the grace).
                    connection.as_mut().graceful_shutdown();
                    if busy.load(Ordering::SeqCst) == 0 {
                        let _ = tokio::time::timeout(FLUSH, connection).await;
                    } else {
                        let _ = connection.await;
                    }
                }
            }
            drop(slot);
        });
    }
    // No more accepts. Connections between requests close now, requests
    // in flight get `grace` to finish, and whatever is left is cut.
    drop(acceptor);
    let _ = stopping.send(true);
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(limits.grace, slots.acquire_many(all)).await;
    let cut = in_handlers.load(Ordering::SeqCst);
    connections.shutdown().await;
    Served { cut }
}
