//! Listing 2.9 — Three 3-second tasks finish in 3 seconds, not 9.
//!
//! All three tasks are spawned before the first await, so their sleeps
//! overlap on the runtime's timer. `main` is timed with `#[async_timed]` to
//! show the total; run with `--timeline` to see three overlapping bars. As
//! in asyncio, only the waiting overlaps: the print statements of the tasks
//! still run one at a time on the single thread.
//!
//! Run: cargo run -p chapter02 -- 2.9 --timeline

use shared_util::{Ctx, async_timed, delay};

#[async_timed]
async fn main() -> anyhow::Result<()> {
    let sleep_for_three = tokio::spawn(delay(3));
    let sleep_again = tokio::spawn(delay(3));
    let sleep_once_more = tokio::spawn(delay(3));

    sleep_for_three.await?;
    sleep_again.await?;
    sleep_once_more.await?;
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    main().await
}
