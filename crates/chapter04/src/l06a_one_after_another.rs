//! Listing 4.6a — The same requests one after the other.
//!
//! Awaiting each request before making the next turns the concurrent 4.6
//! into a sequential program: every request waits for the previous one's
//! round trip. The book measured 33 times slower; with the demo server's
//! `--latency-ms 10` the gap here is of that kind. One connection, reused by
//! the pool, serves every request, so the server never sees two at once.
//!
//! Run: cargo run -p chapter04 -- 4.6a --latency-ms 10

use std::time::Duration;

use shared_util::{Ctx, async_timed, progress, span};

use crate::l06_gather_many::print_summary;

async fn fetch_status(client: &reqwest::Client, url: &str) -> anyhow::Result<u16> {
    let response = client.get(url).send().await?;
    Ok(response.status().as_u16())
}

#[async_timed]
async fn main(url: String, requests: usize) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let bar = progress::bar(requests as u64, "requests");
    let mut statuses = Vec::with_capacity(requests);
    for i in 0..requests {
        // The await inside the loop: the next request waits for this one.
        statuses.push(span(format!("fetch_status #{i}"), fetch_status(&client, &url)).await);
        bar.inc(1);
    }
    bar.finish_and_clear();
    print_summary(&statuses);
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let requests = ctx.requests_or(1000);
    println!("{requests} requests, one at a time");
    main(ctx.url()?, requests).await?;
    if let Some(server) = ctx.local_server() {
        println!(
            "the demo server saw at most {} request(s) at once",
            server.stats().peak_in_flight
        );
    }
    Ok(())
}
