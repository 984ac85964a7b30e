//! Binding listening sockets on loopback with errors a person can act on.
//!
//! Every server listing listens on 127.0.0.1 (a default port, `--port` to
//! change, 0 for any free port). A port that is taken is the most common
//! failure in a classroom — someone left yesterday's server running — so it
//! gets a one-line message naming the port and the fix, not an OS error code.
//!
//! Accepting is the other place a server dies by accident: `accept` fails
//! when the process is out of file descriptors (EMFILE), the system is
//! (ENFILE), or a client gave up while queued (ECONNABORTED). These pass.
//! [`Acceptor`] (Tokio) and [`BlockingAcceptor`] (`std`, for thread-per-
//! connection servers) back off for [`BACK_OFF`] and try again, log the
//! condition once (then at most once a minute, with a count), and keep the
//! connections they have.

use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Binds a blocking `std::net::TcpListener` on `127.0.0.1:port`.
///
/// ```
/// let listener = shared_util::net::bind_loopback(0).unwrap();
/// assert!(listener.local_addr().unwrap().port() > 0);
/// ```
pub fn bind_loopback(port: u16) -> anyhow::Result<TcpListener> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(|e| explain(port, e))
}

/// [`bind_loopback`] with room for `backlog` connections that are waiting
/// to be accepted (std's `bind` allows 128). A server that a thousand
/// clients connect to at once needs more: when the queue is full the
/// kernel drops the SYN, and the client retries only after a second,
/// which shows up as a one-second outlier in a timing.
pub fn bind_loopback_backlog(port: u16, backlog: u16) -> anyhow::Result<TcpListener> {
    use socket2::{Domain, Protocol, SockAddr, Socket, Type};
    let bind = || -> std::io::Result<TcpListener> {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
        // As std does: a restarted server may take a port in TIME_WAIT.
        socket.set_reuse_address(true)?;
        socket.bind(&SockAddr::from(loopback(port)))?;
        socket.listen(i32::from(backlog))?;
        Ok(socket.into())
    };
    bind().map_err(|e| explain(port, e))
}

/// The accept queue of the async servers: room for a class's thousands of
/// clients connecting at once (the kernel caps it at `somaxconn`).
pub const BACKLOG: u16 = 4096;

/// Binds a Tokio `TcpListener` on `127.0.0.1:port`, with an accept queue of
/// [`BACKLOG`] (must be called inside a runtime).
pub async fn bind_loopback_async(port: u16) -> anyhow::Result<tokio::net::TcpListener> {
    let listener = bind_loopback_backlog(port, BACKLOG)?;
    listener.set_nonblocking(true)?;
    Ok(tokio::net::TcpListener::from_std(listener)?)
}

/// The address in a server's `listening on 127.0.0.1:PORT` line (the line
/// [`announce`] prints), for tools and tests that start a server on port 0.
///
/// ```
/// let line = "echo server listening on 127.0.0.1:41234, non-blocking";
/// let address = shared_util::net::listening_address(line).unwrap();
/// assert_eq!(address.port(), 41234);
/// let line = "demo server listening on http://127.0.0.1:8080 (latency 0 ms)";
/// assert_eq!(shared_util::net::listening_address(line).unwrap().port(), 8080);
/// ```
pub fn listening_address(line: &str) -> Option<SocketAddr> {
    let rest = &line[line.find("listening on ")? + "listening on ".len()..];
    let word = rest.split_whitespace().next()?;
    // The demo server says `listening on http://127.0.0.1:PORT`.
    let word = word.trim_start_matches("http://");
    word.trim_end_matches([',', '.', ';']).parse().ok()
}

/// Prints `listening on ADDRESS`, the line `compare` and the tests read a
/// server's port from, and, when a person rather than a demo client is
/// driving, how to talk to it with `nc`; `what` says what they will see.
pub fn announce(address: SocketAddr, demo: bool, what: &str) {
    println!("listening on {address}");
    if !demo {
        println!("try it: nc {} {} ({what})", address.ip(), address.port());
    }
}

/// The address a listing prints: `127.0.0.1:8000`.
pub fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

fn explain(port: u16, error: std::io::Error) -> anyhow::Error {
    match error.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "port {port} on 127.0.0.1 is already in use (another server still running?); choose another with --port (0 picks a free one)"
        ),
        std::io::ErrorKind::PermissionDenied => anyhow::anyhow!(
            "not allowed to listen on port {port} (ports below 1024 need privileges); choose another with --port"
        ),
        _ => anyhow::Error::new(error).context(format!("could not listen on 127.0.0.1:{port}")),
    }
}

/// How long an acceptor waits before trying `accept` again after it failed.
pub const BACK_OFF: Duration = Duration::from_millis(100);

/// How often a lasting accept failure is reported again.
const REPORT_EVERY: Duration = Duration::from_secs(60);

/// The log of accept failures: one line, not thousands.
#[derive(Debug, Default)]
struct FailureLog {
    /// Failures since the last report, so the log says how many it skipped.
    unreported: u64,
    /// When a failure was last logged.
    last_report: Option<Instant>,
}

impl FailureLog {
    fn failed(&mut self, error: &std::io::Error) {
        self.unreported += 1;
        if self
            .last_report
            .is_none_or(|at| at.elapsed() >= REPORT_EVERY)
        {
            // stdout may be gone (a closed terminal); serving goes on.
            let _ = writeln!(
                std::io::stdout(),
                "accept failed: {error} ({} time(s)); still serving open connections, retrying every {} ms",
                self.unreported,
                BACK_OFF.as_millis()
            );
            self.last_report = Some(Instant::now());
            self.unreported = 0;
        }
    }
}

/// A Tokio listener whose `accept` rides out errors.
///
/// Accepted sockets get `TCP_NODELAY`: an echo server writes a long
/// message back in pieces as they arrive, and with Nagle's algorithm on,
/// each piece after the first waits for the client's delayed ACK (about
/// 40 ms on Linux).
#[derive(Debug)]
pub struct Acceptor {
    listener: tokio::net::TcpListener,
    log: FailureLog,
}

impl Acceptor {
    /// Wraps `listener`.
    pub fn new(listener: tokio::net::TcpListener) -> Self {
        Self {
            listener,
            log: FailureLog::default(),
        }
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The next connection; errors are logged (rarely) and retried after
    /// [`BACK_OFF`].
    pub async fn accept(&mut self) -> (tokio::net::TcpStream, SocketAddr) {
        loop {
            match self.listener.accept().await {
                Ok((stream, address)) => {
                    // Best effort: a socket that refuses it still works.
                    let _ = stream.set_nodelay(true);
                    return (stream, address);
                }
                Err(error) => {
                    self.log.failed(&error);
                    tokio::time::sleep(BACK_OFF).await;
                }
            }
        }
    }
}

/// A blocking `std` listener whose `accept` rides out errors, for servers
/// with a thread per connection. Accepted sockets get `TCP_NODELAY`.
#[derive(Debug)]
pub struct BlockingAcceptor {
    listener: TcpListener,
    log: FailureLog,
}

impl BlockingAcceptor {
    /// Wraps `listener`.
    pub fn new(listener: TcpListener) -> Self {
        Self {
            listener,
            log: FailureLog::default(),
        }
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The next connection, or `None` once `stop()` is true: errors are
    /// logged (rarely) and retried after [`BACK_OFF`], and `stop` is asked
    /// between tries, so a server out of descriptors can still be stopped.
    pub fn accept_until(&mut self, stop: impl Fn() -> bool) -> Option<(TcpStream, SocketAddr)> {
        loop {
            match self.listener.accept() {
                Ok((stream, address)) => {
                    let _ = stream.set_nodelay(true);
                    return Some((stream, address));
                }
                Err(error) => {
                    self.log.failed(&error);
                    std::thread::sleep(BACK_OFF);
                    if stop() {
                        return None;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// Echoed pieces must not wait for the client's delayed ACK.
    #[tokio::test]
    async fn accepted_sockets_have_nodelay() {
        let listener = bind_loopback_async(0).await.unwrap();
        let address = listener.local_addr().unwrap();
        let mut acceptor = Acceptor::new(listener);
        let (_client, (accepted, _)) =
            tokio::join!(tokio::net::TcpStream::connect(address), acceptor.accept());
        assert!(accepted.nodelay().unwrap());
        let mut blocking = BlockingAcceptor::new(bind_loopback(0).unwrap());
        let _client = TcpStream::connect(blocking.local_addr().unwrap()).unwrap();
        let (accepted, _) = blocking.accept_until(|| false).unwrap();
        assert!(accepted.nodelay().unwrap());
    }

    use super::*;

    #[test]
    fn a_long_backlog_queues_hundreds_of_connections_nobody_accepts() {
        // std's listener queues 128; past that the kernel drops SYNs and
        // connect waits for a retry. This one queues all 300 at once.
        let listener = bind_loopback_backlog(0, 4096).unwrap();
        let address = listener.local_addr().unwrap();
        let held: Vec<std::net::TcpStream> = (0..300)
            .map(|n| {
                std::net::TcpStream::connect_timeout(
                    &address,
                    std::time::Duration::from_millis(500),
                )
                .unwrap_or_else(|e| panic!("connection {n} was not queued: {e}"))
            })
            .collect();
        assert_eq!(held.len(), 300);
        let message = bind_loopback_backlog(address.port(), 16)
            .unwrap_err()
            .to_string();
        assert!(message.contains("already in use"), "{message}");
    }

    #[test]
    fn a_taken_port_names_the_port_and_the_fix() {
        let taken = bind_loopback(0).unwrap();
        let port = taken.local_addr().unwrap().port();
        let message = bind_loopback(port).unwrap_err().to_string();
        assert!(message.contains(&format!("port {port} on 127.0.0.1 is already in use")));
        assert!(message.contains("--port"));
    }
}
