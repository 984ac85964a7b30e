//! Listing 2.9 — Three 3-second tasks finish in 3 seconds, not 9.
//!
//! All three tasks are spawned before the first await, so their sleeps
//! overlap on the runtime's timer. `main` is timed with `#[async_timed]` to
//! show the total; run with `--timeline` to see three overlapping bars. As
//! in asyncio, only the waiting overlaps: the print statements of the tasks
//! still run one at a time on the single thread. `spawn_named` is
//! `tokio::spawn` with a name, as `create_task(..., name=...)` takes one:
//! tokio-console shows it (`--console`, see "Watching tasks live").
//!
//! Run: cargo run -p chapter02 -- 2.9 --timeline

use shared_util::{Ctx, async_timed, delay, spawn_named};

#[async_timed]
async fn main() -> anyhow::Result<()> {
    let sleep_for_three = spawn_named("sleep_for_three", delay(3));
    let sleep_again = spawn_named("sleep_again", delay(3));
    let sleep_once_more = spawn_named("sleep_once_more", delay(3));

    sleep_for_three.await?;
    sleep_again.await?;
    sleep_once_more.await?;
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    main().await
}
