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

/// Binds a Tokio `TcpListener` on `127.0.0.1:port` (must be called inside a
/// runtime).
pub async fn bind_loopback_async(port: u16) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|e| explain(port, e))
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
    fn a_taken_port_names_the_port_and_the_fix() {
        let taken = bind_loopback(0).unwrap();
        let port = taken.local_addr().unwrap().port();
        let message = bind_loopback(port).unwrap_err().to_string();
        assert!(message.contains(&format!("port {port} on 127.0.0.1 is already in use")));
        assert!(message.contains("--port"));
    }
}
