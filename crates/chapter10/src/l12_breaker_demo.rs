//! Listing 10.12 — The circuit breaker against a slow call, showing each state change.
//!
//! The book's run: a callback that takes 2 s behind a breaker with a 1 s
//! timeout, two failures to open, a 5 s window and a 5 s reset interval.
//! Two requests time out and open the circuit, two more fail fast; after
//! 5 s the breaker closes again, and it takes two more timeouts to open it.
//! The book's lines come out in the book's order; ours add when each
//! request ended and how, and the moment the circuit opens. Beyond the book,
//! the same calls go through a half-open breaker (10.11's
//! [`half_open`](CircuitBreaker::half_open)): after the interval one trial
//! goes through, and its one failure opens the circuit again. The times are
//! Tokio's clock, so `--virtual-time` prints the same run at once.
//!
//! Run: cargo run -p chapter10 -- 10.12

use std::future::Future;
use std::time::Duration;

use shared_util::Ctx;
use shared_util::timing::Stopwatch;

use crate::l11_circuit_breaker::CircuitBreaker;

/// Four requests in a row, each failure swallowed as the book's `except: pass`
/// does, but printed.
async fn four_requests<F, Fut>(cb: &CircuitBreaker<F>, clock: &Stopwatch)
where
    F: Fn() -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    for _ in 0..4 {
        let outcome = match cb.request().await {
            Ok(()) => "ok".to_owned(),
            Err(e) => e.to_string(),
        };
        println!("[{:.1} s] {outcome}", clock.elapsed().as_secs_f64());
    }
}

/// The book's `main`: four requests, five seconds' rest (saying what it
/// waits for), four more.
async fn requests_with_a_rest<F, Fut>(cb: &CircuitBreaker<F>, clock: &Stopwatch, rest: &str)
where
    F: Fn() -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    four_requests(cb, clock).await;
    println!("Sleeping for 5 seconds so breaker {rest}...");
    tokio::time::sleep(Duration::from_secs(5)).await;
    four_requests(cb, clock).await;
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let slow_callback = || async {
        tokio::time::sleep(Duration::from_secs(2)).await;
        anyhow::Ok(())
    };
    let breaker = || {
        CircuitBreaker::new(
            slow_callback,
            Duration::from_secs(1),
            Duration::from_secs(5),
            2,
            Duration::from_secs(5),
        )
    };
    let clock = Stopwatch::start();
    requests_with_a_rest(&breaker(), &clock, "closes").await;

    println!();
    println!("Beyond the book, the same calls through a half-open breaker:");
    requests_with_a_rest(&breaker().half_open(), &clock, "goes half-open").await;
    Ok(())
}
