//! Listing 4.6 — A thousand requests at once, gathered and timed.
//!
//! One future per request, all run concurrently by `join_all` (gather), all
//! sharing one `Client`. Where aiohttp's session caps itself at 100 open
//! connections, reqwest has no cap (`pool_max_idle_per_host` bounds only the
//! idle connections it keeps), so 10,000 requests at once would open 10,000
//! sockets and hit the open-file limit. A `Semaphore` sets the cap:
//! `--limit N`, by default 1000, lowered to fit the open-file limit. The demo
//! server reports how many requests it really saw at once. Like a real
//! site, it takes its time to answer: [`LATENCY`] per request by default
//! (`--latency-ms` changes it), so the requests really wait together.
//! If every request fails (`--url` names no server), the run ends with an
//! error that says so.
//!
//! Run: cargo run -p chapter04 -- 4.6

use std::collections::BTreeMap;
use std::time::Duration;

use futures::future::join_all;
use shared_util::{Ctx, async_timed, progress, span};
use tokio::sync::Semaphore;

use crate::session::none_reached;

/// How long the demo server takes to answer each request of 4.6 and 4.6a
/// unless `--latency-ms` says otherwise, like a site across an ocean: long
/// enough that all 1000 requests are in flight together even while a busy
/// machine is still opening the last connections (at 50 ms, the first
/// answers come back before the last requests are sent).
pub const LATENCY: Duration = Duration::from_millis(300);

/// The URL to fetch, and the line saying how long the server takes.
pub fn target(ctx: &Ctx) -> anyhow::Result<String> {
    if ctx.flags.url.is_none() {
        println!(
            "the demo server answers each request after {} ms (--latency-ms changes it)",
            ctx.latency_or(LATENCY).as_millis()
        );
    }
    ctx.url_with_latency(LATENCY)
}

async fn fetch_status(client: &reqwest::Client, url: &str) -> anyhow::Result<u16> {
    let response = client.get(url).send().await?;
    Ok(response.status().as_u16())
}

/// How many requests may be in flight at once by default: 1000, or fewer
/// when the open-file limit (`ulimit -n`) could not take them. A request to
/// the in-process demo server costs two sockets: the client's and the
/// server's.
fn default_limit() -> usize {
    let open_files = shared_util::sys::fd_limits().map_or(1024, |(soft, _)| soft);
    let open_files = usize::try_from(open_files).unwrap_or(usize::MAX);
    1000.min(open_files.saturating_sub(100) / 2).max(1)
}

#[async_timed]
async fn main(url: String, requests: usize, limit: usize) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let permits = Semaphore::new(limit);
    let bar = progress::bar(requests as u64, "requests");

    let fetches = (0..requests).map(|i| {
        let (client, url, permits, bar) = (&client, url.as_str(), &permits, &bar);
        async move {
            let _permit = permits.acquire().await?;
            // Recorded for --timeline, but silent: 2000 lines would drown the
            // summary.
            let status = span(format!("fetch_status #{i}"), fetch_status(client, url)).await;
            bar.inc(1);
            status
        }
    });
    // gather: every result, in the order the requests were made.
    let statuses = join_all(fetches).await;
    bar.finish_and_clear();
    print_summary(&statuses);
    none_reached(&statuses, &url)
}

/// One line per distinct status or error, with how many requests got it.
pub fn print_summary(statuses: &[anyhow::Result<u16>]) {
    let mut counts = BTreeMap::new();
    for status in statuses {
        let key = match status {
            Ok(code) => format!("status {code}"),
            Err(error) => format!("error: {error:#}"),
        };
        *counts.entry(key).or_insert(0) += 1;
    }
    for (outcome, count) in counts {
        println!("{outcome}: {count} request(s)");
    }
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let requests = ctx.requests_or(1000);
    let limit = ctx.limit_or(default_limit());
    println!("{requests} requests, at most {limit} at once");
    main(target(ctx)?, requests, limit).await?;
    if let Some(server) = ctx.local_server() {
        println!(
            "the demo server saw at most {} request(s) at once",
            server.stats().peak_in_flight
        );
    }
    Ok(())
}
