//! Listing 4.10 — Wait for all: done and pending counts.
//!
//! asyncio's `wait` takes tasks and returns two sets, done and pending.
//! Tokio's `JoinSet` is the set of tasks: `join_next` hands back each task's
//! result as it finishes, and `len` counts the tasks still in the set. For
//! `ALL_COMPLETED` we join until the set is empty, so nothing is pending.
//! A task's result is two layers: the `JoinError` (it panicked or was
//! aborted) around the request's own `Result`. The tasks are named
//! `fetch #1` and `fetch #2` for tokio-console (`--console`).
//!
//! Run: cargo run -p chapter04 -- 4.10

use shared_util::{Ctx, async_timed, spawn_named_in};
use tokio::task::JoinSet;

use crate::session::{Session, fetch_status};

#[async_timed]
async fn main(session: Session, url: String) -> anyhow::Result<()> {
    let mut fetchers = JoinSet::new();
    let first = fetch_status(session.clone(), url.clone());
    spawn_named_in(&mut fetchers, "fetch #1", first);
    spawn_named_in(&mut fetchers, "fetch #2", fetch_status(session, url));

    let mut done = Vec::new();
    while let Some(finished) = fetchers.join_next().await {
        done.push(finished);
    }
    println!("Done task count: {}", done.len());
    println!("Pending task count: {}", fetchers.len());

    for done_task in done {
        let result = done_task??;
        println!("{result}");
    }
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    main(Session::new()?, ctx.url()?).await
}
