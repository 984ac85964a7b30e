//! Listing 11.6 — A semaphore of 2 with four operations.
//!
//! Two operations get a permit at once; the other two wait until a permit is
//! handed back. `tokio::sync::Semaphore` is fair (first come, first served)
//! and `acquire` returns a permit that goes back when dropped, so the scope
//! of `_permit` plays the part of `async with semaphore:`.
//!
//! Run: cargo run -p chapter11 -- 11.6

use std::time::Duration;

use shared_util::{Ctx, span};
use tokio::sync::Semaphore;

async fn operation(semaphore: &Semaphore) -> anyhow::Result<()> {
    println!("Waiting to acquire semaphore...");
    {
        let _permit = semaphore.acquire().await?;
        println!("Semaphore acquired!");
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    println!("Semaphore released!");
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let semaphore = Semaphore::new(2);
    // `span` records each operation for `--timeline`, silently.
    let operations = (0..4).map(|i| span(format!("operation #{i}"), operation(&semaphore)));
    futures::future::try_join_all(operations).await?;
    Ok(())
}
