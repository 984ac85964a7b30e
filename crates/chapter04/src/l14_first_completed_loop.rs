//! Listing 4.14 — Looping on first-completed until nothing is pending.
//!
//! As-completed with a view of the set: each round waits for the first
//! task to finish, takes any others already done, and reports what is done
//! and what is still pending. The book's three requests are equally quick;
//! ours take 1, 2 and 3 s (`/delay/{ms}`, times `--scale`) so each round
//! finds one done, and `--timeline` shows the three overlapping, as does
//! tokio-console (`--console`: the tasks `fetch #1`, `#2`, `#3`).
//!
//! Run: cargo run -p chapter04 -- 4.14 --timeline

use shared_util::{Ctx, async_timed, spawn_named_in};
use tokio::task::JoinSet;

use crate::session::{Session, fetch_status};

#[async_timed]
async fn main(session: Session, urls: Vec<String>) -> anyhow::Result<()> {
    let mut pending = JoinSet::new();
    for (n, url) in (1..).zip(urls) {
        let fetch = fetch_status(session.clone(), url);
        spawn_named_in(&mut pending, &format!("fetch #{n}"), fetch);
    }

    while !pending.is_empty() {
        let mut done = Vec::from_iter(pending.join_next().await);
        while let Some(finished) = pending.try_join_next() {
            done.push(finished);
        }
        println!("Done task count: {}", done.len());
        println!("Pending task count: {}", pending.len());

        for done_task in done {
            println!("{}", done_task??);
        }
    }
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut urls = Vec::new();
    for seconds in [1.0, 2.0, 3.0] {
        urls.push(ctx.url_for(&format!("/delay/{}", ctx.scaled(seconds).as_millis()))?);
    }
    main(Session::new()?, urls).await
}
