//! Listing 10.11 — A circuit breaker: closed, open after N failures in a window, fail fast, reset after an interval.
//!
//! Closed, every request goes through (bounded by `timeout`); `max_failures`
//! failures within `time_window` open the circuit; open, requests fail at
//! once with [`BreakerError::Open`] instead of waiting on a sick service.
//! After `reset_interval` the book's breaker closes outright and takes
//! `max_failures` new failures to open again ([`Reset::Close`], the default,
//! which 10.12 runs). Beyond the book, [`CircuitBreaker::half_open`] gives
//! the state production breakers have: one trial request, success closes
//! the circuit, failure opens it again at once; the run below uses it.
//! Written by hand because it is the lesson (tower has timeouts, retries and
//! load shedding, see 10.12a, but no breaker). The state sits in a `Mutex`
//! never held across an `.await`, so the breaker is `Send + Sync` and
//! shareable between tasks on any runtime. Time is Tokio's clock: tests run
//! it paused.
//!
//! Run: cargo run -p chapter10 -- 10.11

use std::collections::VecDeque;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use shared_util::Ctx;
use tokio::time::Instant;

/// Where the circuit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Requests go through; failures are counted.
    Closed,
    /// Requests fail fast.
    Open,
    /// One trial request is under way; others fail fast.
    HalfOpen,
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            State::Closed => "closed",
            State::Open => "open",
            State::HalfOpen => "half-open",
        })
    }
}

/// What an open breaker does once `reset_interval` has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reset {
    /// The book's: close, forget the failures, let requests through.
    Close,
    /// Production breakers': go half-open and let one trial request decide.
    HalfOpen,
}

/// Why a request through the breaker failed.
#[derive(Debug)]
pub enum BreakerError<E> {
    /// The circuit is open (the book's `CircuitOpenException`).
    Open,
    /// The call took longer than the breaker's timeout and was dropped.
    Timeout,
    /// The call failed.
    Failed(E),
}

impl<E: std::fmt::Display> std::fmt::Display for BreakerError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BreakerError::Open => f.write_str("circuit open"),
            BreakerError::Timeout => f.write_str("timed out"),
            BreakerError::Failed(e) => write!(f, "failed: {e}"),
        }
    }
}

#[derive(Debug)]
struct Inner {
    state: State,
    /// Failures counted since the window began.
    failures: u32,
    /// When the first of them happened: the window's start.
    first_failure: Option<Instant>,
    /// When the circuit last opened.
    opened_at: Option<Instant>,
}

/// The breaker around one callback.
#[derive(Debug)]
pub struct CircuitBreaker<F> {
    callback: F,
    timeout: Duration,
    time_window: Duration,
    max_failures: u32,
    reset_interval: Duration,
    reset: Reset,
    inner: Mutex<Inner>,
}

impl<F> CircuitBreaker<F> {
    /// The book's breaker: after `reset_interval` open, it closes again.
    pub fn new(
        callback: F,
        timeout: Duration,
        time_window: Duration,
        max_failures: u32,
        reset_interval: Duration,
    ) -> Self {
        Self {
            callback,
            timeout,
            time_window,
            max_failures,
            reset_interval,
            reset: Reset::Close,
            inner: Mutex::new(Inner {
                state: State::Closed,
                failures: 0,
                first_failure: None,
                opened_at: None,
            }),
        }
    }

    /// The same breaker with a half-open state: after `reset_interval`
    /// one trial request goes through, and only its outcome closes the
    /// circuit (or opens it again).
    pub fn half_open(mut self) -> Self {
        self.reset = Reset::HalfOpen;
        self
    }

    /// The circuit's state now.
    pub fn state(&self) -> State {
        self.lock().state
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Changes state, printing the change.
    fn go(inner: &mut Inner, to: State, why: &str) {
        println!("Circuit goes from {} to {to}: {why}", inner.state);
        inner.state = to;
        if to == State::Open {
            inner.opened_at = Some(Instant::now());
        }
        if to == State::Closed {
            inner.failures = 0;
            inner.first_failure = None;
        }
    }

    /// Calls the callback through the breaker.
    pub async fn request<T, E, Fut>(&self) -> Result<T, BreakerError<E>>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        {
            let mut inner = self.lock();
            let now = Instant::now();
            match inner.state {
                State::Open => {
                    let opened_at = inner.opened_at.expect("an open circuit has opened");
                    if now < opened_at + self.reset_interval {
                        println!("Circuit is open, failing fast!");
                        return Err(BreakerError::Open);
                    }
                    match self.reset {
                        Reset::Close => {
                            println!("Circuit is going from open to closed, resetting!");
                            inner.state = State::Closed;
                            inner.failures = 0;
                            inner.first_failure = None;
                        }
                        Reset::HalfOpen => Self::go(
                            &mut inner,
                            State::HalfOpen,
                            "reset interval elapsed, one trial request",
                        ),
                    }
                }
                State::HalfOpen => {
                    println!("Circuit is half-open with a trial under way, failing fast!");
                    return Err(BreakerError::Open);
                }
                State::Closed => {
                    if inner
                        .first_failure
                        .is_some_and(|first| now > first + self.time_window)
                    {
                        println!("Interval since first failure elapsed, resetting!");
                        inner.failures = 0;
                        inner.first_failure = None;
                    }
                    println!("Circuit is closed, requesting!");
                }
            }
        }
        println!("Making request!");
        let result = match tokio::time::timeout(self.timeout, (self.callback)()).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(BreakerError::Failed(e)),
            Err(_) => Err(BreakerError::Timeout),
        };
        let mut inner = self.lock();
        match (&result, inner.state) {
            (Ok(_), State::HalfOpen) => Self::go(&mut inner, State::Closed, "the trial succeeded"),
            (Err(_), State::HalfOpen) => Self::go(&mut inner, State::Open, "the trial failed"),
            (Err(_), State::Closed) => {
                inner.failures += 1;
                inner.first_failure.get_or_insert_with(Instant::now);
                if inner.failures >= self.max_failures {
                    let why = format!(
                        "{} failure(s) within {} s",
                        inner.failures,
                        self.time_window.as_secs_f64()
                    );
                    Self::go(&mut inner, State::Open, &why);
                }
            }
            _ => {}
        }
        result
    }
}

/// A scripted run of the half-open breaker on a callback whose answers are
/// given in advance: it opens, fails fast, tries again after the interval
/// (and fails), then tries again and closes; last, two failures far apart
/// do not open it. 10.12 runs the book's breaker.
pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let script = Mutex::new(VecDeque::from([
        Err("down"),
        Err("down"),
        Err("still down"),
        Ok("up"),
        Ok("up"),
        Err("blip"),
        Err("blip"),
    ]));
    let next = || {
        let answer = script
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop_front()
            .unwrap_or(Ok("up"));
        async move { answer }
    };
    let breaker = CircuitBreaker::new(
        next,
        Duration::from_secs(1),
        Duration::from_secs(5),
        2,
        Duration::from_secs(5),
    )
    .half_open();
    let clock = shared_util::timing::Stopwatch::start();
    // Seconds to wait before each request.
    for wait in [0, 0, 0, 5, 5, 0, 0, 6, 0] {
        if wait > 0 {
            println!("(waiting {wait} s)");
            tokio::time::sleep(Duration::from_secs(wait)).await;
        }
        let result = breaker.request().await;
        println!(
            "[{:.0} s] {} -> circuit {}",
            clock.elapsed().as_secs_f64(),
            match result {
                Ok(answer) => format!("answer: {answer}"),
                Err(e) => format!("error: {e}"),
            },
            breaker.state()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    /// A breaker over a callback that answers from `script` (true: ok),
    /// after `work` of (virtual) time.
    type Call = std::pin::Pin<Box<dyn Future<Output = Result<(), ()>>>>;

    fn scripted<'a>(
        script: &'a RefCell<VecDeque<bool>>,
        calls: &'a RefCell<u32>,
        work: Duration,
    ) -> CircuitBreaker<impl Fn() -> Call + 'a> {
        book_breaker(script, calls, work).half_open()
    }

    /// The same over the book's breaker, which closes after the interval.
    fn book_breaker<'a>(
        script: &'a RefCell<VecDeque<bool>>,
        calls: &'a RefCell<u32>,
        work: Duration,
    ) -> CircuitBreaker<impl Fn() -> Call + 'a> {
        let callback = move || -> Call {
            *calls.borrow_mut() += 1;
            let ok = script.borrow_mut().pop_front().unwrap_or(true);
            Box::pin(async move {
                tokio::time::sleep(work).await;
                if ok { Ok(()) } else { Err(()) }
            })
        };
        CircuitBreaker::new(
            callback,
            Duration::from_secs(1),
            Duration::from_secs(5),
            2,
            Duration::from_secs(5),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn the_states_follow_the_script() {
        let script = RefCell::new(VecDeque::from([false, false, false, true, true]));
        let calls = RefCell::new(0);
        let breaker = scripted(&script, &calls, Duration::ZERO);
        let mut states = Vec::new();
        let mut step = |result: Result<(), BreakerError<()>>, breaker: &CircuitBreaker<_>| {
            states.push((
                match result {
                    Ok(()) => "ok",
                    Err(BreakerError::Open) => "open",
                    Err(BreakerError::Timeout) => "timeout",
                    Err(BreakerError::Failed(())) => "failed",
                },
                breaker.state(),
            ));
        };
        step(breaker.request().await, &breaker);
        step(breaker.request().await, &breaker);
        step(breaker.request().await, &breaker);
        tokio::time::sleep(Duration::from_millis(4999)).await;
        step(breaker.request().await, &breaker);
        tokio::time::sleep(Duration::from_millis(1)).await;
        step(breaker.request().await, &breaker); // the trial fails
        tokio::time::sleep(Duration::from_secs(5)).await;
        step(breaker.request().await, &breaker); // the trial succeeds
        step(breaker.request().await, &breaker);
        use State::*;
        assert_eq!(
            states,
            [
                ("failed", Closed),
                ("failed", Open),
                ("open", Open),
                ("open", Open),
                ("failed", Open),
                ("ok", Closed),
                ("ok", Closed),
            ]
        );
        // Fail-fast requests never reached the callback.
        assert_eq!(*calls.borrow(), 5);
    }

    #[tokio::test(start_paused = true)]
    async fn the_books_breaker_closes_after_the_interval_and_needs_two_more_failures() {
        let script = RefCell::new(VecDeque::from([false, false, false, false]));
        let calls = RefCell::new(0);
        let breaker = book_breaker(&script, &calls, Duration::ZERO);
        assert!(breaker.request().await.is_err());
        assert!(breaker.request().await.is_err());
        assert_eq!(breaker.state(), State::Open);
        tokio::time::sleep(Duration::from_secs(5)).await;
        // Closed again: the first failure after the interval does not open it...
        assert!(matches!(
            breaker.request().await,
            Err(BreakerError::Failed(()))
        ));
        assert_eq!(breaker.state(), State::Closed);
        // ...the second does.
        assert!(breaker.request().await.is_err());
        assert_eq!(breaker.state(), State::Open);
        assert!(matches!(breaker.request().await, Err(BreakerError::Open)));
        assert_eq!(*calls.borrow(), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn failures_further_apart_than_the_window_do_not_open_it() {
        let script = RefCell::new(VecDeque::from([false, false, false]));
        let calls = RefCell::new(0);
        let breaker = scripted(&script, &calls, Duration::ZERO);
        assert!(breaker.request().await.is_err());
        tokio::time::sleep(Duration::from_secs(6)).await;
        assert!(breaker.request().await.is_err());
        assert_eq!(breaker.state(), State::Closed);
        // But two within 5 s do.
        tokio::time::sleep(Duration::from_secs(4)).await;
        assert!(breaker.request().await.is_err());
        assert_eq!(breaker.state(), State::Open);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_call_is_a_timeout_and_counts_as_a_failure() {
        let script = RefCell::new(VecDeque::new());
        let calls = RefCell::new(0);
        let breaker = scripted(&script, &calls, Duration::from_secs(2));
        let start = Instant::now();
        assert!(matches!(
            breaker.request().await,
            Err(BreakerError::Timeout)
        ));
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        assert!(matches!(
            breaker.request().await,
            Err(BreakerError::Timeout)
        ));
        assert_eq!(breaker.state(), State::Open);
        let before = Instant::now();
        assert!(matches!(breaker.request().await, Err(BreakerError::Open)));
        assert_eq!(before.elapsed(), Duration::ZERO, "open fails fast");
    }

    #[tokio::test(start_paused = true)]
    async fn half_open_lets_one_trial_through_at_a_time() {
        let script = RefCell::new(VecDeque::from([false, false, true]));
        let calls = RefCell::new(0);
        let breaker = scripted(&script, &calls, Duration::from_millis(100));
        let _ = breaker.request().await;
        let _ = breaker.request().await;
        tokio::time::sleep(Duration::from_secs(5)).await;
        let (trial, other) = tokio::join!(breaker.request(), async {
            tokio::task::yield_now().await;
            breaker.request().await
        });
        assert!(trial.is_ok());
        assert!(matches!(other, Err(BreakerError::Open)));
        assert_eq!(breaker.state(), State::Closed);
        assert_eq!(*calls.borrow(), 3);
    }
}
