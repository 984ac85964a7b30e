//! Listing 10.12 — The circuit breaker against a slow call, showing each state change.
//!
//! The book's run: a callback that takes 2 s behind a breaker with a 1 s
//! timeout, two failures to open, a 5 s window and a 5 s reset interval.
//! Two requests time out and open the circuit, two more fail fast; after
//! 5 s a trial goes through, times out, and the circuit opens again (the
//! book's breaker would close and need two more failures). Beyond the book,
//! the callback then recovers: the next trial succeeds and the circuit
//! closes. Each line is printed as it happens; the times are Tokio's clock.
//!
//! Run: cargo run -p chapter10 -- 10.12

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use shared_util::Ctx;
use shared_util::timing::Stopwatch;

use crate::l11_circuit_breaker::CircuitBreaker;

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let slow = AtomicBool::new(true);
    let slow_callback = || async {
        let seconds = if slow.load(Ordering::SeqCst) {
            2.0
        } else {
            0.1
        };
        tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
        anyhow::Ok(())
    };
    let cb = CircuitBreaker::new(
        slow_callback,
        Duration::from_secs(1),
        Duration::from_secs(5),
        2,
        Duration::from_secs(5),
    );
    let clock = Stopwatch::start();
    let four_requests = || async {
        for _ in 0..4 {
            let outcome = match cb.request().await {
                Ok(()) => "ok".to_owned(),
                Err(e) => e.to_string(),
            };
            println!("[{:.1} s] {outcome}", clock.elapsed().as_secs_f64());
        }
    };

    four_requests().await;
    println!("Sleeping for 5 seconds so breaker closes...");
    tokio::time::sleep(Duration::from_secs(5)).await;
    four_requests().await;

    println!("The callback recovers (0.1 s now). Sleeping for 5 seconds...");
    slow.store(false, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(5)).await;
    four_requests().await;
    Ok(())
}
