//! Listing 2.9a — Spawning and joining a million tasks.
//!
//! Not in the book: a measure of what a task costs. Each task does nothing
//! but return its number; the listing spawns them all, then awaits every
//! handle and checks the sum, so none can be skipped. A Tokio task is a
//! small heap allocation plus a scheduler entry, where an asyncio task is a
//! Python object wrapping a coroutine. `--count N` changes how many;
//! `cargo run --release` gives the fair number.
//!
//! Run: cargo run --release -p chapter02 -- 2.9a

use shared_util::{Ctx, timed};

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let count = ctx.count_or(1_000_000);
    let (handles, spawned) = timed("spawning", async {
        let handles: Vec<_> = (0..count).map(|n| tokio::spawn(async move { n })).collect();
        let spawned = handles.len();
        (handles, spawned)
    })
    .await;
    let sum = timed("joining", async {
        let mut sum = 0u64;
        for handle in handles {
            sum += handle.await?;
        }
        anyhow::Ok(sum)
    })
    .await?;
    anyhow::ensure!(
        sum == count * count.saturating_sub(1) / 2,
        "a task's result went missing"
    );
    println!("{spawned} tasks spawned and joined; their numbers add up to {sum}");
    Ok(())
}
