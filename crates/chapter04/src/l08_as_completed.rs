//! Listing 4.8 — Handling results as they complete (1 s, 1 s and 10 s).
//!
//! `as_completed` is a `FuturesUnordered`: a set of futures that yields each
//! output as soon as it is ready, in the order they finish. The two 1-second
//! requests are handled after a second while the 10-second one still runs.
//! Nothing is spawned: the set polls its futures inside `main`'s own task.
//! The slow server is the demo server's `/delay/{ms}`; `--scale 0.1` makes
//! the waits ten times shorter.
//!
//! Run: cargo run -p chapter04 -- 4.8 --timeline

use futures::StreamExt as _;
use futures::stream::FuturesUnordered;
use shared_util::{Ctx, async_timed};

use crate::session::{Session, fetch_status};

#[async_timed]
async fn main(session: Session, requests: Vec<(u64, String)>) -> anyhow::Result<()> {
    // Listed slow first, so the completion order visibly differs.
    let mut fetchers: FuturesUnordered<_> = requests
        .into_iter()
        .map(|(seconds, url)| {
            let session = session.clone();
            async move { (seconds, fetch_status(session, url).await) }
        })
        .collect();

    while let Some((seconds, status)) = fetchers.next().await {
        println!("{} (the {seconds} s request)", status?);
    }
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut requests = Vec::new();
    for seconds in [10, 1, 1] {
        let ms = ctx.scaled(seconds as f64).as_millis();
        requests.push((seconds, ctx.url_for(&format!("/delay/{ms}"))?));
    }
    main(Session::new()?, requests).await
}
