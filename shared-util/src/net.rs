//! Binding listening sockets on loopback with errors a person can act on.
//!
//! Every server listing listens on 127.0.0.1 (a default port, `--port` to
//! change, 0 for any free port). A port that is taken is the most common
//! failure in a classroom — someone left yesterday's server running — so it
//! gets a one-line message naming the port and the fix, not an OS error code.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};

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

/// Binds a Tokio `TcpListener` on `127.0.0.1:port` (must be called inside a
/// runtime).
pub async fn bind_loopback_async(port: u16) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|e| explain(port, e))
}

/// The address in a server's `listening on 127.0.0.1:PORT` line (the line
/// [`announce`] prints), for tools and tests that start a server on port 0.
///
/// ```
/// let line = "echo server listening on 127.0.0.1:41234, non-blocking";
/// let address = shared_util::net::listening_address(line).unwrap();
/// assert_eq!(address.port(), 41234);
/// ```
pub fn listening_address(line: &str) -> Option<SocketAddr> {
    let rest = &line[line.find("listening on ")? + "listening on ".len()..];
    let word = rest.split_whitespace().next()?;
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

#[cfg(test)]
mod tests {
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
