//! Listing 2.15a — Timing one await by hand.
//!
//! Take the time before, take it after, subtract. `tokio::time::Instant`
//! reads Tokio's clock, so under `--virtual-time` the second is exact. This
//! gets tedious with many awaits: listing 2.16 packages it.
//!
//! Run: cargo run -p chapter02 -- 2.15a

use std::time::Duration;

use shared_util::{Ctx, secs};
use tokio::time::Instant;

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let start = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let end = Instant::now();
    println!("Sleeping took {} seconds", secs(end - start));
    Ok(())
}
