//! Listing 14.3 — Forcing a turn of the scheduler with `yield_now`.
//!
//! On a current-thread runtime a spawned task does not start until the
//! task that spawned it gives up the thread. Without a yield both delays
//! start only once `main` awaits the join; with `yield_now()` after each
//! spawn (asyncio's `await asyncio.sleep(0)`), each starts at once. On the
//! multi-thread runtime (`--runtime multi-thread`) idle workers may pick a
//! task up immediately, so the first order is no longer guaranteed.
//!
//! Run: cargo run -p chapter14 -- 14.3

use shared_util::{Ctx, delay};

async fn create_tasks_no_yield() {
    let task1 = tokio::spawn(delay(1));
    let task2 = tokio::spawn(delay(2));
    println!("Gathering tasks:");
    let (one, two) = tokio::join!(task1, task2);
    println!(
        "results: {}, {}",
        one.expect("no panic"),
        two.expect("no panic")
    );
}

async fn create_tasks_yield() {
    let task1 = tokio::spawn(delay(1));
    tokio::task::yield_now().await;
    let task2 = tokio::spawn(delay(2));
    tokio::task::yield_now().await;
    println!("Gathering tasks:");
    let (one, two) = tokio::join!(task1, task2);
    println!(
        "results: {}, {}",
        one.expect("no panic"),
        two.expect("no panic")
    );
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    println!("--- Testing without yield_now ---");
    create_tasks_no_yield().await;
    println!("--- Testing with yield_now ---");
    create_tasks_yield().await;
    Ok(())
}
