//! A blocking HTTP server: a fixed pool of threads, each taking one
//! connection at a time, reading its one request, answering it and closing
//! it before it takes the next — the WSGI model as gunicorn's sync workers
//! run it (a Flask app behind them).
//!
//! The app is a plain function, `Fn(&mut S, Request<Vec<u8>>) ->
//! Response<Vec<u8>>`, over the `http` crate's types: WSGI's
//! `application(environ, start_response)` in Rust's shape. `S` is one
//! value per thread (a database connection: a blocking client is used by
//! one thread at a time).
//!
//! The threads are all there is: however many clients connect, at most
//! `threads` connections are read at once, and the rest wait in the
//! kernel's accept queue, costing nothing. That is why each connection is
//! closed after its answer, as gunicorn's sync workers do: a kept-alive
//! idle client would hold a thread. What a client may send is bounded too:
//! the header must come within [`HEADER_TIMEOUT`] and fit in
//! [`MAX_HEAD`] (else 408 or 431), a body must say its length
//! (`Content-Length`, else 411) and fit in [`MAX_BODY`] (else 413).
//!
//! At shutdown the threads stop waiting for new clients, but every
//! connection the kernel already accepted is still read and answered:
//! nothing a client sent before the server stopped is dropped.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsFd as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::http::{Request, Response};

use crate::serving::Gauge;

/// The app a blocking server calls: WSGI's contract in Rust's types.
pub type BlockingApp<S> = fn(&mut S, Request<Vec<u8>>) -> Response<Vec<u8>>;

/// How long a client may take to send its request's header (and then to
/// read the answer).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest request head read; bigger is 431.
pub const MAX_HEAD: usize = 16 * 1024;

/// The largest request body read; bigger is 413 (the body is not read).
pub const MAX_BODY: usize = 1 << 20;

/// How often an idle thread looks up from waiting to see the server stop.
const LOOK_UP: Duration = Duration::from_millis(100);

/// A running blocking server; [`BlockingServer::stop`] ends it.
pub struct BlockingServer {
    /// Set at shutdown: threads answer what the kernel accepted, then leave.
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
        // Accepted sockets inherit TCP_NODELAY on Linux: an answer written
        // in two pieces does not wait for the client's delayed ACK (~40 ms).
        socket2::SockRef::from(&listener).set_tcp_nodelay(true)?;
        // Threads wait with poll() and take connections without blocking, so
        // each one sees `stopping` within LOOK_UP.
        listener.set_nonblocking(true)?;
        let listener = Arc::new(listener);
        let stopping = Arc::new(AtomicBool::new(false));
        let in_flight = Arc::new(Gauge::default());
        let threads = states
            .into_iter()
            .enumerate()
            .map(|(n, state)| {
                let listener = Arc::clone(&listener);
                let stopping = Arc::clone(&stopping);
                let in_flight = Arc::clone(&in_flight);
                std::thread::Builder::new()
                    .name(format!("wsgi-worker-{n}"))
                    .spawn(move || work(&listener, &stopping, &in_flight, state, app, log))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
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

    /// Stops waiting for new clients, answers every connection already
    /// accepted, and joins the threads (their states, the connections, are
    /// dropped). Returns how many threads ended.
    pub fn stop(self) -> usize {
        self.stopping.store(true, Ordering::SeqCst);
        let mut ended = 0;
        for thread in self.threads {
            ended += usize::from(thread.join().is_ok());
        }
        ended
    }
}

/// One worker thread: take a connection, answer its request, repeat; once
/// stopping, answer what is left in the accept queue and leave.
fn work<S>(
    listener: &TcpListener,
    stopping: &AtomicBool,
    in_flight: &Gauge,
    mut state: S,
    app: BlockingApp<S>,
    log: bool,
) {
    loop {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if stopping.load(Ordering::SeqCst) {
                    return; // the accept queue is empty: all answered
                }
                wait_readable(listener);
                continue;
            }
            // Out of descriptors, or a client that reset before we took
            // it: the next one may do better.
            Err(_) => {
                std::thread::sleep(LOOK_UP);
                continue;
            }
        };
        let started = Instant::now();
        let _running = in_flight.enter();
        if let Some((method, path, status)) = answer(stream, &mut state, app)
            && log
        {
            println!(
                "{method} {path} -> {status} ({:.1} ms, {})",
                started.elapsed().as_secs_f64() * 1000.0,
                std::thread::current().name().unwrap_or("worker")
            );
        }
    }
}

/// Waits until a client is waiting to be accepted, or [`LOOK_UP`] passes.
fn wait_readable(listener: &TcpListener) {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    let mut fds = [PollFd::new(listener.as_fd(), PollFlags::POLLIN)];
    let timeout = PollTimeout::try_from(LOOK_UP).unwrap_or(PollTimeout::MAX);
    let _ = poll(&mut fds, timeout);
}

/// Reads one request from `stream`, answers it (the app's answer, or the
/// error a bad request earns), and closes the connection. Returns the
/// request line and status for the log; `None` when the client sent
/// nothing or went away.
fn answer<S>(
    stream: TcpStream,
    state: &mut S,
    app: BlockingApp<S>,
) -> Option<(String, String, axum::http::StatusCode)> {
    // The listener is non-blocking; its connections must not be.
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(HEADER_TIMEOUT)).ok()?;
    stream.set_write_timeout(Some(HEADER_TIMEOUT)).ok()?;
    let mut reader = BufReader::new(stream);
    let (response, method, path) = match read_request(&mut reader) {
        Ok(Some(request)) => {
            let (method, path) = (request.method().to_string(), request.uri().to_string());
            (app(state, request), method, path)
        }
        Ok(None) => return None,
        Err(Refusal(status, reason)) => (
            plain(status, &reason),
            "-".to_owned(),
            "(unreadable request)".to_owned(),
        ),
    };
    let status = response.status();
    // The client may have gone; that is its business.
    let _ = write_response(reader.get_mut(), response);
    Some((method, path, status))
}

/// Why a request is refused: its status and one line for the client.
struct Refusal(u16, String);

fn refuse(status: u16, reason: &str) -> Refusal {
    Refusal(status, reason.to_owned())
}

/// The request on `reader`: `Ok(None)` when the client closed or sent
/// nothing in time, `Err` for one that breaks a bound.
fn read_request(reader: &mut BufReader<TcpStream>) -> Result<Option<Request<Vec<u8>>>, Refusal> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut line = Vec::new();
        let limit = (MAX_HEAD + 1 - head.len()) as u64;
        match reader.by_ref().take(limit).read_until(b'\n', &mut line) {
            Ok(0) if head.is_empty() => return Ok(None),
            Ok(0) => return Err(refuse(400, "the request ended inside its header\n")),
            Ok(_) => head.extend_from_slice(&line),
            Err(_) if head.is_empty() => return Ok(None),
            Err(_) => return Err(refuse(408, "the request header took too long\n")),
        }
        if head.len() > MAX_HEAD {
            return Err(refuse(
                431,
                &format!("the request header is over {MAX_HEAD} bytes\n"),
            ));
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(refuse(400, "not an HTTP/1.x request\n")),
    }
    let mut builder = Request::builder()
        .method(parsed.method.unwrap_or("GET"))
        .uri(parsed.path.unwrap_or("/"));
    let mut length = 0;
    for header in parsed.headers.iter() {
        if header.name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(refuse(
                411,
                "send the body with a Content-Length (this server takes no chunked bodies)\n",
            ));
        }
        if header.name.eq_ignore_ascii_case("content-length") {
            length = std::str::from_utf8(header.value)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok())
                .ok_or_else(|| refuse(400, "Content-Length is not a number\n"))?;
        }
        builder = builder.header(header.name, header.value);
    }
    if length > MAX_BODY {
        return Err(refuse(
            413,
            &format!("the body is {length} bytes; this server takes at most {MAX_BODY}\n"),
        ));
    }
    let mut body = vec![0; length];
    reader
        .read_exact(&mut body)
        .map_err(|_| refuse(400, "the body ended before its Content-Length\n"))?;
    builder
        .body(body)
        .map(Some)
        .map_err(|e| refuse(400, &format!("unreadable request: {e}\n")))
}

/// Writes `response` with its length, and `Connection: close`: this
/// connection ends here.
fn write_response(stream: &mut TcpStream, response: Response<Vec<u8>>) -> std::io::Result<()> {
    let (parts, body) = response.into_parts();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        parts.status.as_u16(),
        parts.status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    for (name, value) in &parts.headers {
        if name != "content-length" && name != "connection" {
            out.extend_from_slice(name.as_str().as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(
        format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&body);
    stream.write_all(&out)?;
    stream.flush()
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
