//! Listing 2.16 — The `async_timed` decorator, written out.
//!
//! Python's decorator wraps a coroutine function in another that prints,
//! awaits, and prints again in a `finally`. In Rust the wrapper takes the
//! future itself, and `finally` becomes a guard whose `Drop` runs however
//! the await ends: completed, panicked, or cancelled by being dropped. The
//! workspace's `#[async_timed]` attribute generates this wrapper (plus
//! argument printing and timeline spans) for every function it marks.
//!
//! Run: cargo run -p chapter02 -- 2.16

use std::future::Future;
use std::time::Duration;

use shared_util::{Ctx, secs};
use tokio::time::Instant;

/// Prints when `future` starts and when it ends, like the decorator.
async fn timed_by_hand<F: Future>(name: &str, args: &str, future: F) -> F::Output {
    println!("starting {name} with args {args}");
    let _finally = Finally {
        name,
        start: Instant::now(),
    };
    future.await
}

/// Python's `finally:` block: runs when the wrapper is done, however.
struct Finally<'a> {
    name: &'a str,
    start: Instant,
}

impl Drop for Finally<'_> {
    fn drop(&mut self) {
        let total = self.start.elapsed();
        println!("finished {} in {} second(s)", self.name, secs(total));
    }
}

async fn add_one(number: i32) -> i32 {
    tokio::time::sleep(Duration::from_secs(1)).await;
    number + 1
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let result = timed_by_hand("add_one", "(1)", add_one(1)).await;
    println!("{result}");

    // Give up after half a second: the wrapper is dropped, the guard reports.
    let half_second = Duration::from_millis(500);
    let gave_up = tokio::time::timeout(half_second, timed_by_hand("add_one", "(2)", add_one(2)));
    if gave_up.await.is_err() {
        println!("gave up on add_one(2): its future was dropped, and its `finally` still ran");
    }
    Ok(())
}
