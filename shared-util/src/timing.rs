//! Timing futures the way the book's `async_timed` decorator does.
//!
//! [`Timed`] wraps a future: on its first poll it prints `starting NAME with
//! args (..)`, when it completes `finished NAME in 3.0012 second(s)`, and if
//! it is dropped half-way (Rust's cancellation) `cancelled NAME after ...`.
//! The `#[async_timed]` attribute generates a `Timed` around a function body;
//! [`timed`] wraps any other future; [`span`] records the same timeline span
//! without printing.
//!
//! All times come from [`tokio::time::Instant`]. On a normal run that is the
//! OS monotonic clock; under a paused clock (`--virtual-time`) it is Tokio's
//! virtual clock, so `delay(3)` reports exactly `3.0000 second(s)`.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::Instant;

use crate::{debug, report, timeline};

pub use crate::report::secs;

/// A stopwatch on Tokio's clock (virtual-time aware).
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch {
    start: Instant,
}

impl Stopwatch {
    /// Starts counting now.
    pub fn start() -> Self {
        Self {
            start: Instant::now(),
        }
    }

    /// Time since [`Stopwatch::start`].
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

/// Wraps `future` so that running it prints `starting LABEL` / `finished
/// LABEL in N second(s)` and records a span on the timeline.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let answer = shared_util::timed("the answer", async { 42 }).await;
/// assert_eq!(answer, 42);
/// # }
/// ```
pub fn timed<F: Future>(label: impl Into<Cow<'static, str>>, future: F) -> Timed<F> {
    Timed::new(label, None, future)
}

/// Like [`timed`], but silent: the future is only recorded on the timeline
/// (and watched in debug mode). `delay` uses this so that its output stays
/// the book's two lines.
pub fn span<F: Future>(label: impl Into<Cow<'static, str>>, future: F) -> Timed<F> {
    let mut timed = Timed::new(label, None, future);
    timed.probe.loud = false;
    timed
}

pin_project! {
    /// A future that reports when it starts, finishes or is cancelled.
    /// Built by `#[async_timed]`, [`timed`] and [`span`].
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timed<F> {
        #[pin]
        future: F,
        probe: Probe,
    }
}

impl<F: Future> Timed<F> {
    /// Wraps `future`; `args` is the already formatted argument list, such
    /// as `(3)`, printed after the label when present.
    pub fn new(label: impl Into<Cow<'static, str>>, args: Option<String>, future: F) -> Self {
        Self {
            future,
            probe: Probe {
                label: label.into(),
                args,
                loud: true,
                started: None,
                order: 0,
                polls: timeline::Polls::default(),
                finished: false,
            },
        }
    }
}

/// The bookkeeping half of [`Timed`]; its `Drop` reports cancellation.
#[derive(Debug)]
struct Probe {
    label: Cow<'static, str>,
    /// Formatted arguments, e.g. `(2, "x")`; `None` for plain labels.
    args: Option<String>,
    /// Whether to print the starting/finished lines (false for [`span`]).
    loud: bool,
    /// Set on the first poll: a future that is never polled never started.
    started: Option<Instant>,
    /// The span's place among first polls, for the timeline.
    order: u64,
    /// When the future was being polled, for the timeline's busy time.
    polls: timeline::Polls,
    finished: bool,
}

impl Probe {
    fn span_label(&self) -> String {
        match &self.args {
            Some(args) => format!("{}{}", self.label, args),
            None => self.label.to_string(),
        }
    }

    fn record(&mut self, outcome: timeline::Outcome, end: Instant) {
        if let Some(start) = self.started {
            timeline::record(timeline::Span {
                label: self.span_label(),
                start,
                end,
                polls: std::mem::take(&mut self.polls),
                outcome,
                order: self.order,
            });
        }
    }
}

impl<F: Future> Future for Timed<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let probe = this.probe;
        let poll_start = Instant::now();
        if probe.started.is_none() {
            probe.started = Some(poll_start);
            static FIRST_POLLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            probe.order = FIRST_POLLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if probe.loud {
                let args = probe.args.as_deref().unwrap_or("");
                let line = if args.is_empty() {
                    format!("starting {}", probe.label)
                } else {
                    format!("starting {} with args {}", probe.label, args)
                };
                report::say(line);
            }
        }

        // Real time, not Tokio's: a CPU hog holds the thread for real even
        // when the clock is paused.
        let wall_start = std::time::Instant::now();
        let result = this.future.poll(cx);
        let held = wall_start.elapsed();
        let poll_end = Instant::now();
        probe.polls.push(poll_start, poll_end);
        debug::check_poll(&probe.label, held);

        if result.is_ready() {
            probe.finished = true;
            if probe.loud {
                let start = probe.started.expect("set above");
                report::say(format!(
                    "finished {} in {} second(s)",
                    probe.label,
                    secs(poll_end - start)
                ));
            }
            probe.record(timeline::Outcome::Finished, poll_end);
        }
        result
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        if let Some(start) = self.started {
            let end = Instant::now();
            if self.loud {
                report::say(format!(
                    "cancelled {} after {} second(s)",
                    self.label,
                    secs(end - start)
                ));
            }
            self.record(timeline::Outcome::Cancelled, end);
        }
    }
}
