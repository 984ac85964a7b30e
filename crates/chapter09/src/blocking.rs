//! A blocking HTTP server: a fixed pool of threads, each taking one request
//! at a time and answering it before it takes the next — the WSGI model (a
//! Flask app under gunicorn's threaded workers).
//!
//! The app is a plain function, `Fn(&mut S, Request<Vec<u8>>) ->
//! Response<Vec<u8>>`, over the `http` crate's types: WSGI's
//! `application(environ, start_response)` in Rust's shape. `S` is one
//! value per thread (a database connection: a blocking client is used by
//! one thread at a time). `tiny_http` parses HTTP and keeps connections
//! alive on helper threads of its own; the requests wait in its queue
//! until one of our threads is free, so at most `threads` requests are
//! worked on at once, however many clients are connected.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::http::{Request, Response};

use crate::serving::Gauge;

/// The app a blocking server calls: WSGI's contract in Rust's types.
pub type BlockingApp<S> = fn(&mut S, Request<Vec<u8>>) -> Response<Vec<u8>>;

/// A running blocking server; [`BlockingServer::stop`] ends it.
pub struct BlockingServer {
    server: Arc<tiny_http::Server>,
    /// Set at shutdown: threads finish their request, then leave.
    stopping: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    address: SocketAddr,
    /// Requests being answered, and the most at once (at most `threads`).
    in_flight: Arc<Gauge>,
}

impl BlockingServer {
    /// Serves `app` on `listener` with one thread per value of `states`
    /// (each thread owns one); `log` prints a line per request.
    pub fn start<S: Send + 'static>(
        listener: TcpListener,
        states: Vec<S>,
        app: BlockingApp<S>,
        log: bool,
    ) -> anyhow::Result<Self> {
        let address = listener.local_addr()?;
        // tiny_http does not set TCP_NODELAY on the sockets it accepts; on
        // Linux they inherit it from the listener. Without it a response
        // written in two pieces waits for the client's delayed ACK (~40 ms).
        socket2::SockRef::from(&listener).set_tcp_nodelay(true)?;
        let server = Arc::new(
            tiny_http::Server::from_listener(listener, None)
                .map_err(|e| anyhow::anyhow!("could not serve on {address}: {e}"))?,
        );
        let stopping = Arc::new(AtomicBool::new(false));
        let in_flight = Arc::new(Gauge::default());
        let threads = states
            .into_iter()
            .enumerate()
            .map(|(n, state)| {
                let server = Arc::clone(&server);
                let stopping = Arc::clone(&stopping);
                let in_flight = Arc::clone(&in_flight);
                std::thread::Builder::new()
                    .name(format!("wsgi-worker-{n}"))
                    .spawn(move || work(&server, &stopping, &in_flight, state, app, log))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            server,
            stopping,
            threads,
            address,
            in_flight,
        })
    }

    /// The most requests it worked on at once.
    pub fn peak_in_flight(&self) -> usize {
        self.in_flight.peak()
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops taking requests, lets every thread finish the one it has, and
    /// joins them (their states, the connections, are dropped). Returns how
    /// many threads ended.
    pub fn stop(self) -> usize {
        self.stopping.store(true, Ordering::SeqCst);
        self.server.unblock();
        let mut ended = 0;
        for thread in self.threads {
            ended += usize::from(thread.join().is_ok());
        }
        ended
    }
}

/// One worker thread: take a request, answer it, repeat.
fn work<S>(
    server: &tiny_http::Server,
    stopping: &AtomicBool,
    in_flight: &Gauge,
    mut state: S,
    app: BlockingApp<S>,
    log: bool,
) {
    while !stopping.load(Ordering::SeqCst) {
        // A bounded wait, so the thread sees `stopping` soon.
        let mut request = match server.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(request)) => request,
            Ok(None) => continue,
            Err(_) => break,
        };
        let _running = in_flight.enter();
        let started = Instant::now();
        let method = request.method().to_string();
        let url = request.url().to_owned();
        let response = match to_http(&mut request) {
            Ok(converted) => app(&mut state, converted),
            Err(e) => plain(400, &format!("unreadable request: {e}")),
        };
        let status = response.status();
        // The client may have gone; that is its business.
        let _ = request.respond(from_http(response));
        if log {
            println!(
                "{method} {url} -> {status} ({:.1} ms, {})",
                started.elapsed().as_secs_f64() * 1000.0,
                std::thread::current().name().unwrap_or("worker")
            );
        }
    }
}

/// tiny_http's request as the `http` crate's, body read in full.
fn to_http(request: &mut tiny_http::Request) -> anyhow::Result<Request<Vec<u8>>> {
    let mut builder = Request::builder()
        .method(request.method().as_str())
        .uri(request.url());
    for header in request.headers() {
        builder = builder.header(header.field.as_str().as_str(), header.value.as_str());
    }
    let mut body = Vec::new();
    request.as_reader().read_to_end(&mut body)?;
    Ok(builder.body(body)?)
}

/// The `http` crate's response as tiny_http's.
fn from_http(response: Response<Vec<u8>>) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let (parts, body) = response.into_parts();
    let mut converted =
        tiny_http::Response::from_data(body).with_status_code(parts.status.as_u16());
    for (name, value) in &parts.headers {
        if let Ok(header) =
            tiny_http::Header::from_bytes(name.as_str().as_bytes(), value.as_bytes())
        {
            converted.add_header(header);
        }
    }
    converted
}

/// A response with `status` and a JSON body.
pub fn json(status: u16, body: &impl serde::Serialize) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap_or_default())
        .expect("a valid status and header")
}

/// A response with `status` and a text body.
pub fn plain(status: u16, text: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(text.as_bytes().to_vec())
        .expect("a valid status and header")
}

/// Waits in this thread for SIGINT or SIGTERM (installed by the caller's
/// `signals`) and says which came.
pub fn wait_for_stop(signals: &mut signal_hook::iterator::Signals) {
    let name = match signals.forever().next() {
        Some(signal_hook::consts::SIGTERM) => "SIGTERM",
        _ => "SIGINT",
    };
    println!("Got {name}: no new requests; finishing the ones in flight");
}
