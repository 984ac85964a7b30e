//! Listing 7.7 — `to_thread`: a function and its argument, off the runtime.
//!
//! Python 3.9's `asyncio.to_thread(func, *args)` is a shorthand for the
//! default executor. A closure already carries its arguments in Rust, so
//! `spawn_blocking(move || f(arg))` needs no `functools.partial`; the
//! helper below only mirrors the book's call shape.
//!
//! Run: cargo run -p chapter07 -- 7.7

use shared_util::{Ctx, async_timed};

use crate::gets::{get_status_code, report_peak, summary};

/// Runs `function(argument)` on the runtime's blocking pool.
async fn to_thread<A, R>(function: fn(A) -> R, argument: A) -> anyhow::Result<R>
where
    A: Send + 'static,
    R: Send + 'static,
{
    Ok(tokio::task::spawn_blocking(move || function(argument)).await?)
}

fn fetch(url: String) -> anyhow::Result<u16> {
    get_status_code(&url)
}

#[async_timed]
async fn main(url: String, requests: usize) -> anyhow::Result<()> {
    let tasks = (0..requests).map(|_| to_thread(fetch, url.clone()));
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
