//! An asyncio-style `Event`: a flag that tasks can wait on.
//!
//! Tokio has no event type, so this is one built from an atomic flag and a
//! [`Notify`]. It behaves like `asyncio.Event`:
//!
//! - [`set`](Event::set) raises the flag and wakes every task waiting now;
//! - [`wait`](Event::wait) returns at once while the flag is up, otherwise
//!   sleeps until the next `set`;
//! - [`clear`](Event::clear) lowers the flag, so later waits block again;
//! - [`is_set`](Event::is_set) reads the flag.
//!
//! A task woken by `set` returns from `wait` even if someone clears the flag
//! before it gets to run, just as in asyncio: `set` wakes the waiters of that
//! moment, it does not ask them to look again.
//!
//! Unlike asyncio's, the type belongs to no event loop or runtime: keep it in
//! an `Arc`, a `static` or on the stack and use it from any runtime or thread.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use chapter11::event::Event;
//! let event = Event::new();
//! event.set();
//! event.wait().await; // already set: returns at once
//! assert!(event.is_set());
//! # }
//! ```

use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

/// A flag that tasks can wait on; see the [module docs](self).
#[derive(Debug, Default)]
pub struct Event {
    /// Up after `set`, down after `clear`.
    flag: AtomicBool,
    /// Wakes the tasks waiting when `set` is called.
    notify: Notify,
}

impl Event {
    /// A new event, not set.
    pub const fn new() -> Self {
        Self {
            flag: AtomicBool::new(false),
            notify: Notify::const_new(),
        }
    }

    /// Raises the flag and wakes every task waiting on it.
    pub fn set(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Lowers the flag: from now on `wait` blocks until the next `set`.
    pub fn clear(&self) {
        self.flag.store(false, Ordering::SeqCst);
    }

    /// Whether the flag is up.
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Waits until the event is set; returns at once if it already is.
    pub async fn wait(&self) {
        // Register as a waiter *before* looking at the flag. A `set` that
        // lands between the look and the sleep then still wakes us: looking
        // first and registering second would lose it.
        let notified = self.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.is_set() {
            return;
        }
        notified.await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use super::*;

    /// Lets every ready task on the (paused, current-thread) runtime run.
    async fn settle() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn set_releases_every_waiter() {
        let event = Arc::new(Event::new());
        let released = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..5 {
            let (event, released) = (event.clone(), released.clone());
            tasks.push(tokio::spawn(async move {
                event.wait().await;
                released.fetch_add(1, Ordering::SeqCst);
            }));
        }
        settle().await;
        assert_eq!(
            released.load(Ordering::SeqCst),
            0,
            "nobody passes before set"
        );
        event.set();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(released.load(Ordering::SeqCst), 5);
    }

    #[tokio::test(start_paused = true)]
    async fn wait_does_not_block_once_set() {
        let event = Event::new();
        event.set();
        assert!(event.is_set());
        for _ in 0..3 {
            tokio::time::timeout(Duration::from_secs(1), event.wait())
                .await
                .expect("a set event does not block");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn wait_blocks_again_after_clear() {
        let event = Event::new();
        event.set();
        event.clear();
        assert!(!event.is_set());
        let waited = tokio::time::timeout(Duration::from_secs(5), event.wait()).await;
        assert!(waited.is_err(), "a cleared event blocks");
        event.set();
        event.wait().await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_woken_waiter_returns_even_if_the_event_is_cleared_at_once() {
        let event = Arc::new(Event::new());
        let waiter = tokio::spawn({
            let event = event.clone();
            async move { event.wait().await }
        });
        settle().await;
        event.set();
        event.clear();
        tokio::time::timeout(Duration::from_secs(1), waiter)
            .await
            .expect("set woke the waiter")
            .unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn set_from_another_thread_is_never_lost() {
        // Many rounds of "one task waits, another sets" across threads: a
        // lost wake-up would hang a round, and the timeout fails the test.
        let rounds = async {
            for _ in 0..2000 {
                let event = Arc::new(Event::new());
                let setter = tokio::spawn({
                    let event = event.clone();
                    async move { event.set() }
                });
                event.wait().await;
                setter.await.unwrap();
            }
        };
        tokio::time::timeout(Duration::from_secs(60), rounds)
            .await
            .expect("an event wait hung: a set was lost");
    }
}
