//! Listing 11.8 — Releasing more often than acquiring adds a permit.
//!
//! Two tasks hold the two permits; a third "releases" one it never took. The
//! semaphore now has three permits, and in the second round three tasks get
//! in at once. With Tokio's RAII permits this cannot happen by accident: the
//! stray release has to be written out as `add_permits(1)`, which is exactly
//! what asyncio's `release()` does when nobody acquired.
//!
//! Run: cargo run -p chapter11 -- 11.8

use std::time::Duration;

use shared_util::Ctx;
use tokio::sync::Semaphore;

async fn acquire(semaphore: &Semaphore) -> anyhow::Result<()> {
    println!("Waiting to acquire");
    {
        let _permit = semaphore.acquire().await?;
        println!("Acquired");
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    println!("Releasing");
    Ok(())
}

async fn release(semaphore: &Semaphore) -> anyhow::Result<()> {
    println!("Releasing as a one off!");
    semaphore.add_permits(1);
    println!("Released as a one off!");
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let semaphore = Semaphore::new(2);

    println!("Acquiring twice, releasing three times...");
    futures::try_join!(
        acquire(&semaphore),
        acquire(&semaphore),
        release(&semaphore)
    )?;

    println!("Acquiring three times...");
    futures::try_join!(
        acquire(&semaphore),
        acquire(&semaphore),
        acquire(&semaphore)
    )?;

    println!(
        "The semaphore now has {} permits, not 2",
        semaphore.available_permits()
    );
    Ok(())
}
