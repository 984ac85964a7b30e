//! Listing 2.20 — A blocking call inside async code serialises everything.
//!
//! `ureq` is a blocking HTTP client, like Python's `requests`: each call
//! holds the thread until the response arrives. Inside three "concurrent"
//! tasks on one thread, the requests therefore run one after another, and
//! the demo server confirms it never saw two at once. The cure is an async
//! client (reqwest, chapter 4) or moving the call to a thread with
//! `spawn_blocking` (chapter 7). Each request waits 200 ms on the server
//! (`/delay/200`), standing in for a far-away site; `--url` uses a real one.
//!
//! Run: cargo run -p chapter02 -- 2.20 --timeline

use anyhow::Context as _;
use shared_util::{Ctx, async_timed};

#[async_timed]
async fn get_example_status(url: String) -> anyhow::Result<u16> {
    // Blocks this thread, and so the whole runtime, until the reply comes.
    let response = ureq::get(&url)
        .call()
        .with_context(|| format!("GET {url}"))?;
    Ok(response.status().as_u16())
}

#[async_timed]
async fn main(url: String) -> anyhow::Result<()> {
    let task_1 = tokio::spawn(get_example_status(url.clone()));
    let task_2 = tokio::spawn(get_example_status(url.clone()));
    let task_3 = tokio::spawn(get_example_status(url));

    task_1.await??;
    task_2.await??;
    task_3.await??;
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    main(ctx.url_for("/delay/200")?).await?;
    if let Some(server) = ctx.local_server() {
        println!(
            "the demo server saw at most {} request(s) at once",
            server.stats().peak_in_flight
        );
    }
    Ok(())
}
