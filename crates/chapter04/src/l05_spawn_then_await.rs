//! Listing 4.5 — Spawn all the tasks, then await them: 3 s.
//!
//! Spawning returns at once, so all three delays are running before the
//! first `await`. In Tokio a spawned task may even start before `main`
//! reaches that `await` (on a multi-thread runtime, on another thread);
//! here, on one thread, they start when `main` first yields. Each task is
//! named (`delay(3) #1`...) for tokio-console (`--console`).
//!
//! Run: cargo run -p chapter04 -- 4.5 --timeline

use shared_util::{Ctx, async_timed, spawn_named};

/// The book's `delay`, with the `@async_timed()` it wears in this chapter.
#[async_timed]
async fn delay(seconds: u64) -> u64 {
    shared_util::delay(seconds).await
}

#[async_timed]
async fn main() -> anyhow::Result<()> {
    let delay_times = [3, 3, 3];
    println!("hello 1");
    let tasks: Vec<_> = (1..)
        .zip(delay_times)
        .map(|(n, seconds)| spawn_named(&format!("delay({seconds}) #{n}"), delay(seconds)))
        .collect();
    println!("hello 2");
    for task in tasks {
        task.await?;
    }
    println!("hello 3");
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    main().await
}
