//! Listing 7.6 — The runtime's own blocking pool (the "default executor").
//!
//! `run_in_executor(None, ...)` uses a pool asyncio creates on first use;
//! Tokio's counterpart is `spawn_blocking`, whose pool grows on demand up
//! to 512 threads (`max_blocking_threads`) and lets idle ones go after
//! 10 s. With that ceiling, far more requests run at once than with
//! Python's `min(32, cores + 4)` default: see the server's peak.
//!
//! Run: cargo run -p chapter07 -- 7.6

use shared_util::{Ctx, async_timed};

use crate::gets::{get_status_code, report_peak, summary};

#[async_timed]
async fn main(url: String, requests: usize) -> anyhow::Result<()> {
    let tasks = (0..requests).map(|_| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || get_status_code(&url))
    });
    let results = futures::future::join_all(tasks).await;
    let codes = results
        .into_iter()
        .map(|r| r?)
        .collect::<anyhow::Result<Vec<u16>>>()?;
    println!("{}", summary(&codes));
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let url = ctx.url_for("/delay/20")?; // 20 ms, like a nearby site
    main(url, ctx.requests_or(1000)).await?;
    report_peak(ctx);
    Ok(())
}
