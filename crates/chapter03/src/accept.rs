//! Accepting connections without dying of it: the accept loop shared by
//! listings 3.8 and 3.10.
//!
//! `accept` can fail for reasons that pass: the process is out of file
//! descriptors (EMFILE), the system is (ENFILE), a client gave up while
//! queued (ECONNABORTED). A server that stops on the first such error takes
//! every connection down with it; one that retries at once spins and floods
//! its log. This one backs off briefly, keeps serving the connections it
//! has, and logs the condition once (then at most once a minute, with a
//! count, while it lasts).
//!
//! Accepted sockets get `TCP_NODELAY`: an echo server writes a long message
//! back in pieces as they arrive, and with Nagle's algorithm on, each piece
//! after the first waits for the client's delayed ACK (about 40 ms on Linux).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};

/// How long to wait before trying `accept` again after it failed.
pub const BACK_OFF: Duration = Duration::from_millis(100);

/// How often a lasting failure is reported again.
const REPORT_EVERY: Duration = Duration::from_secs(60);

/// A listener whose `accept` rides out errors.
#[derive(Debug)]
pub struct Acceptor {
    listener: TcpListener,
    /// Failures since the last report, so the log says how many it skipped.
    unreported: u64,
    /// When a failure was last logged: the log gets one line, not thousands.
    last_report: Option<Instant>,
}

impl Acceptor {
    pub fn new(listener: TcpListener) -> Self {
        Self {
            listener,
            unreported: 0,
            last_report: None,
        }
    }

    /// The next connection; errors are logged (rarely) and retried.
    pub async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            match self.listener.accept().await {
                Ok((stream, address)) => {
                    // Best effort: a socket that refuses it still echoes.
                    let _ = stream.set_nodelay(true);
                    return (stream, address);
                }
                Err(error) => {
                    self.unreported += 1;
                    if self
                        .last_report
                        .is_none_or(|at| at.elapsed() >= REPORT_EVERY)
                    {
                        println!(
                            "accept failed: {error} ({} time(s)); still serving open connections, retrying every {} ms",
                            self.unreported,
                            BACK_OFF.as_millis()
                        );
                        self.last_report = Some(Instant::now());
                        self.unreported = 0;
                    }
                    tokio::time::sleep(BACK_OFF).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Echoed pieces must not wait for the client's delayed ACK.
    #[tokio::test]
    async fn accepted_sockets_have_nodelay() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let mut acceptor = Acceptor::new(listener);
        let (_client, (accepted, _)) = tokio::join!(TcpStream::connect(address), acceptor.accept());
        assert!(accepted.nodelay().unwrap());
    }
}
