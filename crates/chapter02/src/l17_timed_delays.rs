//! Listing 2.17 — `#[async_timed]` on two delays and on main.
//!
//! The delays take 2 s and 3 s, yet main takes 3 s: the waits overlap. The
//! attribute prints each call's arguments with `Debug`, where the book's
//! decorator prints Python's `args` tuple and `kwargs` dict.
//!
//! Run: cargo run -p chapter02 -- 2.17 --timeline

use std::time::Duration;

use shared_util::{Ctx, async_timed};

#[async_timed]
async fn delay(delay_seconds: u64) -> u64 {
    println!("sleeping for {delay_seconds} second(s)");
    tokio::time::sleep(Duration::from_secs(delay_seconds)).await;
    println!("finished sleeping for {delay_seconds} second(s)");
    delay_seconds
}

#[async_timed]
async fn main() -> anyhow::Result<()> {
    let task_one = tokio::spawn(delay(2));
    let task_two = tokio::spawn(delay(3));

    task_one.await?;
    task_two.await?;
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    main().await
}
