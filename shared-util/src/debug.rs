//! Debug mode: Tokio's answer to asyncio's debug mode.
//!
//! asyncio's debug mode logs every callback that holds the event loop longer
//! than `slow_callback_duration` (100 ms by default). A Tokio task holds its
//! thread for exactly one `poll`, so the equivalent is a slow-poll detector:
//! when debug mode is on, every [`Timed`](crate::timing::Timed) future, every
//! future wrapped in [`watch`], and the listing's own future (the runner
//! watches it) measure each poll in real time and warn on stderr when one
//! took longer than the threshold. A blocking call inside a timed function
//! awaited directly by the listing is reported twice, once for each: both
//! held the thread. Stable Tokio has no hook into every task's polls, so a
//! plain `tokio::spawn` of an untimed future is watched only if wrapped.
//!
//! Turn it on with `--debug` (threshold `--slow-poll-ms`, default 100) or in
//! code with [`enable`] and [`set_slow_poll_threshold`], the counterparts of
//! `asyncio.run(main(), debug=True)` and `loop.slow_callback_duration`.
//! For production code, `tokio-console` shows the same and much more.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

use crate::report;

/// Whether slow polls are reported.
static ENABLED: AtomicBool = AtomicBool::new(false);
/// The slow-poll threshold in microseconds.
static THRESHOLD_MICROS: AtomicU64 = AtomicU64::new(100_000);

/// The threshold asyncio uses by default, and so do we.
pub const DEFAULT_SLOW_POLL: Duration = Duration::from_millis(100);

/// Turns debug mode on for the rest of the process.
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Turns debug mode off (the runner does this between listings).
pub fn disable() {
    ENABLED.store(false, Ordering::Relaxed);
    set_slow_poll_threshold(DEFAULT_SLOW_POLL);
}

/// Whether debug mode is on.
pub fn is_enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Sets how long one poll may take before it is reported.
pub fn set_slow_poll_threshold(threshold: Duration) {
    let micros = u64::try_from(threshold.as_micros()).unwrap_or(u64::MAX);
    THRESHOLD_MICROS.store(micros, Ordering::Relaxed);
}

/// The current slow-poll threshold.
pub fn slow_poll_threshold() -> Duration {
    Duration::from_micros(THRESHOLD_MICROS.load(Ordering::Relaxed))
}

/// Reports `held` if debug mode is on and it exceeds the threshold.
/// Returns whether a warning was printed.
pub fn check_poll(task: &str, held: Duration) -> bool {
    if !is_enabled() {
        return false;
    }
    let threshold = slow_poll_threshold();
    if held <= threshold {
        return false;
    }
    report::warn(format!(
        "[debug] slow poll: task '{task}' held the thread for {} s in one poll (threshold {} ms); nothing else on this thread ran meanwhile",
        crate::report::secs(held),
        threshold.as_millis()
    ));
    true
}

/// Wraps any future so that, in debug mode, each of its polls is checked
/// against the slow-poll threshold under the name `task`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let handle = tokio::spawn(shared_util::debug::watch("worker", async { 1 + 1 }));
/// assert_eq!(handle.await.unwrap(), 2);
/// # }
/// ```
pub fn watch<F: Future>(task: impl Into<String>, future: F) -> Watched<F> {
    Watched {
        future,
        task: task.into(),
    }
}

pin_project! {
    /// A future whose polls are timed in debug mode; see [`watch`].
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Watched<F> {
        #[pin]
        future: F,
        task: String,
    }
}

impl<F: Future> Future for Watched<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let start = std::time::Instant::now();
        let result = this.future.poll(cx);
        check_poll(this.task, start.elapsed());
        result
    }
}
