//! Listing 4.6a — The same requests one after the other.
//!
//! Awaiting each request before making the next turns the concurrent 4.6
//! into a sequential program: every request waits for the previous one's
//! round trip. The book measured 33 times slower; with the demo server
//! taking 4.6's 300 ms to answer each request, the gap here is far larger.
//! A thousand round trips would take five minutes, so by default this
//! listing sends 100 and works out what 1000 would take from their pace
//! (`--requests 1000` sends them all). One connection, reused by the
//! pool, serves every request, so the server never sees two at once.
//!
//! Run: cargo run -p chapter04 -- 4.6a

use std::time::Duration;

use shared_util::{Ctx, async_timed, progress, span};

use crate::l06_gather_many::{print_summary, target};
use crate::session::none_reached;

async fn fetch_status(client: &reqwest::Client, url: &str) -> anyhow::Result<u16> {
    let response = client.get(url).send().await?;
    Ok(response.status().as_u16())
}

#[async_timed]
async fn main(url: String, requests: usize) -> anyhow::Result<()> {
    let clock = shared_util::timing::Stopwatch::start();
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
    none_reached(&statuses, &url)?;
    if requests < 1000 {
        let pace = clock.elapsed().as_secs_f64() / requests.max(1) as f64;
        println!(
            "at this pace 1000 requests would take about {:.0} s (4.6 sends them all at once)",
            pace * 1000.0
        );
    }
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let requests = ctx.requests_or(100);
    println!("{requests} requests, one at a time");
    main(target(ctx)?, requests).await?;
    if let Some(server) = ctx.local_server() {
        println!(
            "the demo server saw at most {} request(s) at once",
            server.stats().peak_in_flight
        );
    }
    Ok(())
}
