//! Listing 7.5 — A thread pool driven from async code, gathered.
//!
//! asyncio's `run_in_executor(pool, ...)` hands a function to a pool and
//! gives back an awaitable. Here the pool is rayon's, and the bridge is a
//! `oneshot` channel per call: the pool thread sends the result, the async
//! side awaits the receiver. `join_all` is `gather`. The runtime's own
//! thread never blocks; at most pool-size requests are in flight.
//!
//! Run: cargo run -p chapter07 -- 7.5

use shared_util::{Ctx, async_timed};
use tokio::sync::oneshot;

use crate::gets::{get_status_code, report_peak, summary};
use crate::pools::{python_pool_size, thread_pool};

/// Runs `work` on `pool`; the returned future completes with its result.
async fn run_in_pool<T: Send + 'static>(
    pool: &rayon::ThreadPool,
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let (sender, receiver) = oneshot::channel();
    pool.spawn(move || {
        let _ = sender.send(work());
    });
    Ok(receiver.await?)
}

#[async_timed]
async fn main(url: String, requests: usize) -> anyhow::Result<()> {
    let pool = thread_pool(python_pool_size())?;
    println!("a pool of {} threads", pool.current_num_threads());
    let tasks = (0..requests).map(|_| {
        let url = url.clone();
        run_in_pool(&pool, move || get_status_code(&url))
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
