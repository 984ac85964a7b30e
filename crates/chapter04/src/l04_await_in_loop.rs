//! Listing 4.4 — Awaiting inside the loop that spawns: 9 s, not 3.
//!
//! Each task is awaited the moment it is spawned, so the next one is not
//! spawned until the previous one is done: three 3-second delays in a row.
//! The mistake reads the same in Rust as in Python; only the fix (4.5)
//! differs a little, because a Tokio task starts running as soon as it is
//! spawned, without waiting for an `await`.
//!
//! Run: cargo run -p chapter04 -- 4.4 --timeline

use shared_util::{Ctx, async_timed};

/// The book's `delay`, with the `@async_timed()` it wears in this chapter.
#[async_timed]
async fn delay(seconds: u64) -> u64 {
    shared_util::delay(seconds).await
}

#[async_timed]
async fn main() -> anyhow::Result<()> {
    let delay_times = [3, 3, 3];
    for seconds in delay_times {
        tokio::spawn(delay(seconds)).await?;
    }
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    main().await
}
