//! The load logic behind the 7.13 load tester (the book's `StressTest`),
//! kept apart from the terminal so tests can drive it.
//!
//! The UI thread calls [`StressTest::start`] with a `Handle` to a runtime
//! that runs on another thread; `Handle::spawn` is Tokio's
//! `run_coroutine_threadsafe`. Progress comes back over a std channel the
//! UI drains between frames, the counterpart of the book's callback.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Sender;

use futures::StreamExt as _;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// What the load test tells the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// Another request finished (`failed` of them with an error).
    Progress {
        completed: usize,
        failed: usize,
        total: usize,
    },
    /// No more requests will finish: all done, or cancelled.
    Finished {
        completed: usize,
        failed: usize,
        total: usize,
        cancelled: bool,
    },
}

/// A running load test.
#[derive(Debug)]
pub struct StressTest {
    cancel: CancellationToken,
    completed: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl StressTest {
    /// Sends `total` GETs to `url`, at most `concurrency` at once, on the
    /// runtime behind `handle`; reports to `updates`.
    pub fn start(
        handle: &Handle,
        url: String,
        total: usize,
        concurrency: usize,
        updates: Sender<Update>,
    ) -> Self {
        let cancel = CancellationToken::new();
        let completed = Arc::new(AtomicUsize::new(0));
        let (stop, done) = (cancel.clone(), Arc::clone(&completed));
        let task = handle.spawn(async move {
            let client = reqwest::Client::new();
            let failed = AtomicUsize::new(0);
            let requests = futures::stream::iter(0..total)
                .map(|_| {
                    let request = client.get(&url).send();
                    async move { request.await.and_then(|r| r.error_for_status()).is_ok() }
                })
                .buffer_unordered(concurrency.max(1))
                .for_each(|ok| {
                    let completed = done.fetch_add(1, Ordering::SeqCst) + 1;
                    let failed =
                        failed.fetch_add(usize::from(!ok), Ordering::SeqCst) + usize::from(!ok);
                    let _ = updates.send(Update::Progress {
                        completed,
                        failed,
                        total,
                    });
                    async {}
                });
            // Cancelling drops the stream: requests in flight are abandoned
            // and no new ones are issued.
            let cancelled = tokio::select! {
                () = requests => false,
                () = stop.cancelled() => true,
            };
            let completed = done.load(Ordering::SeqCst);
            let failed = failed.load(Ordering::SeqCst);
            let _ = updates.send(Update::Finished {
                completed,
                failed,
                total,
                cancelled,
            });
        });
        Self {
            cancel,
            completed,
            task,
        }
    }

    /// Stops issuing requests and abandons those in flight.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// How many requests have finished so far.
    pub fn completed(&self) -> usize {
        self.completed.load(Ordering::SeqCst)
    }

    /// Whether the test has ended (finished or cancelled).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::channel;
    use std::time::Duration;

    use shared_util::demo::server::DemoServer;

    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn counts_every_completion_and_ends_at_the_total() {
        let server = DemoServer::start().unwrap();
        let rt = runtime();
        let (tx, rx) = channel();
        let test = StressTest::start(rt.handle(), server.url().to_owned(), 50, 10, tx);
        let updates: Vec<Update> = rx.iter().collect();
        let progress = updates
            .iter()
            .filter(|u| matches!(u, Update::Progress { .. }))
            .count();
        assert_eq!(progress, 50);
        assert_eq!(
            updates.last(),
            Some(&Update::Finished {
                completed: 50,
                failed: 0,
                total: 50,
                cancelled: false
            })
        );
        assert_eq!(test.completed(), 50);
        assert_eq!(server.stats().requests, 50);
    }

    #[test]
    fn cancel_stops_issuing_requests() {
        let server = DemoServer::start().unwrap();
        let rt = runtime();
        let (tx, rx) = channel();
        let url = format!("{}/delay/100", server.url());
        let test = StressTest::start(rt.handle(), url, 1000, 5, tx);
        // Wait (bounded) for the first completions, then cancel.
        let first = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        assert!(matches!(first, Update::Progress { .. }));
        test.cancel();
        let finished = rx
            .iter()
            .find(|u| matches!(u, Update::Finished { .. }))
            .expect("a Finished update after cancel");
        let Update::Finished {
            completed,
            cancelled,
            ..
        } = finished
        else {
            unreachable!()
        };
        assert!(cancelled);
        assert!(completed < 1000, "{completed}");
        std::thread::sleep(Duration::from_millis(200)); // requests already on the wire land
        let issued = server.stats().requests;
        assert!(issued < 1000, "{issued}");
        // Nothing more is issued after the cancel took effect.
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(server.stats().requests, issued);
        assert!(test.is_finished());
    }

    #[test]
    fn failures_are_counted_to_the_end() {
        let server = DemoServer::start().unwrap();
        let rt = runtime();
        let (tx, rx) = channel();
        let url = format!("{}/status/500", server.url());
        StressTest::start(rt.handle(), url, 20, 5, tx);
        let updates: Vec<Update> = rx.iter().collect();
        assert_eq!(
            updates.last(),
            Some(&Update::Finished {
                completed: 20,
                failed: 20,
                total: 20,
                cancelled: false
            })
        );
    }
}
