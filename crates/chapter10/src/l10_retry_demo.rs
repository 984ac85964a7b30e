//! Listing 10.10 — The retry helper against a call that always fails, one that always times out, and a flaky one.
//!
//! The book's two calls give up after three tries each and print "Retried
//! too many times!". Beyond the book: a flaky call that fails twice and then
//! answers is rescued on its third try, and the same always-failing call
//! under exponential backoff with jitter shows the waits spreading out.
//! Each try's time is printed from Tokio's clock, so under
//! `--virtual-time` the run is instant yet prints what a real run prints.
//!
//! Run: cargo run -p chapter10 -- 10.10

use std::time::Duration;

use shared_util::Ctx;
use shared_util::timing::Stopwatch;

use crate::l09_retry::{Backoff, Policy, TooManyRetries, retry, retry_with};

async fn always_fail() -> anyhow::Result<()> {
    anyhow::bail!("I've failed!")
}

async fn always_timeout() -> anyhow::Result<()> {
    tokio::time::sleep(Duration::from_secs(1)).await;
    Ok(())
}

fn report(result: Result<impl std::fmt::Debug, TooManyRetries>, clock: &Stopwatch) {
    let at = clock.elapsed().as_secs_f64();
    match result {
        Ok(value) => println!("Succeeded with {value:?} after {at:.1} s"),
        Err(_) => println!("Retried too many times! ({at:.1} s)"),
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let tenth = Duration::from_millis(100);

    println!("-- always_fail, 3 tries, 0.1 s apart");
    let clock = Stopwatch::start();
    report(retry(always_fail, 3, tenth, tenth).await, &clock);

    println!("-- always_timeout, 3 tries of at most 0.1 s, 0.1 s apart");
    let clock = Stopwatch::start();
    report(retry(always_timeout, 3, tenth, tenth).await, &clock);

    println!("-- flaky: fails twice, then answers");
    let mut calls = 0;
    let clock = Stopwatch::start();
    let flaky = || {
        calls += 1;
        let call = calls;
        async move {
            if call <= 2 {
                anyhow::bail!("flaky call {call} failed")
            }
            anyhow::Ok(format!("call {call} answered"))
        }
    };
    report(retry(flaky, 3, tenth, tenth).await, &clock);

    println!("-- always_fail, 6 tries, exponential backoff from 0.1 s (cap 1 s) with jitter");
    let clock = Stopwatch::start();
    let policy = Policy {
        backoff: Backoff::Exponential {
            max: Duration::from_secs(1),
            jitter: true,
        },
        seed: 10,
        ..Policy::fixed(6, tenth, tenth)
    };
    report(retry_with(always_fail, policy).await, &clock);
    Ok(())
}
