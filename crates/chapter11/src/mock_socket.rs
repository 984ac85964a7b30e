//! The stand-in socket of listings 11.3 and 11.5: sending takes a second and
//! fails once the socket is closed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A pretend connection to a chat user.
#[derive(Debug, Default)]
pub struct MockSocket {
    /// Set by `close`; a closed socket refuses to send.
    closed: AtomicBool,
}

impl MockSocket {
    /// Sends `message`, taking a second; fails if the socket was closed
    /// before the send started.
    pub async fn send(&self, message: &str) -> anyhow::Result<()> {
        if self.closed.load(Ordering::SeqCst) {
            anyhow::bail!("socket is closed");
        }
        println!("Sending: {message}");
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!("Sent: {message}");
        Ok(())
    }

    /// Closes the socket: every later `send` fails.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }
}

/// The users connected at the start of both listings, in the book's order.
pub const USERS: [&str; 4] = ["John", "Terry", "Graham", "Eric"];
