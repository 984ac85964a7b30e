//! Listing 11.7 — 1000 requests, at most 10 in flight.
//!
//! All 1000 requests start at once, but each must hold one of 10 semaphore
//! permits while it talks to the server, so no more than 10 are ever in
//! flight. The in-process demo server counts them and proves it at the end.
//! One `reqwest::Client` (like the book's `ClientSession`) reuses its
//! connections. `--requests N` and `--limit N` change the numbers.
//!
//! Run: cargo run -p chapter11 -- 11.7

use shared_util::Ctx;
use tokio::sync::Semaphore;

async fn get_url(
    url: &str,
    client: &reqwest::Client,
    semaphore: &Semaphore,
) -> anyhow::Result<u16> {
    println!("Waiting to acquire semaphore...");
    let _permit = semaphore.acquire().await?;
    println!("Acquired semaphore, requesting...");
    let response = client.get(url).send().await?;
    let status = response.status().as_u16();
    // Read the body, so the connection goes back to the pool.
    response.bytes().await?;
    println!("Finished requesting");
    Ok(status)
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let requests = ctx.requests_or(1000);
    let semaphore = Semaphore::new(ctx.limit_or(10));
    // Each request waits 20 ms on the server, so permits are really held.
    let url = ctx.url_for("/delay/20")?;
    let client = reqwest::Client::new();
    let tasks = (0..requests).map(|_| get_url(&url, &client, &semaphore));
    let statuses = futures::future::try_join_all(tasks).await?;

    let ok = statuses.iter().filter(|status| **status == 200).count();
    println!("{ok} of {requests} requests returned 200");
    match ctx.local_server() {
        Some(server) => println!(
            "the server saw at most {} requests in flight at once",
            server.stats().peak_in_flight
        ),
        None => println!("(--url given: no in-flight count from a server we do not run)"),
    }
    Ok(())
}
