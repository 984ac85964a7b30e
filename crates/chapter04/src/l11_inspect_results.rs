//! Listing 4.11 — Inspecting each finished task without failing.
//!
//! Python asks a done task for `exception()` and then `result()`; in Rust
//! the joined value *is* the answer, a `Result` to match on, so there is no
//! way to read a result that is not there. A good and a bad request: both
//! are done, one with a status, one with an error we log and move past.
//!
//! Run: cargo run -p chapter04 -- 4.11

use shared_util::{Ctx, async_timed};
use tokio::task::JoinSet;

use crate::session::{Session, fetch_status, none_reached};

#[async_timed]
async fn main(session: Session, good: String) -> anyhow::Result<()> {
    let mut fetchers = JoinSet::new();
    fetchers.spawn(fetch_status(session.clone(), good.clone()));
    fetchers.spawn(fetch_status(session, "python://bad".to_owned()));

    let mut done = Vec::new();
    while let Some(finished) = fetchers.join_next().await {
        done.push(finished);
    }
    println!("Done task count: {}", done.len());
    println!("Pending task count: {}", fetchers.len());

    let mut results = Vec::new();
    for done_task in done {
        let result = done_task?;
        match &result {
            Ok(status) => println!("{status}"),
            Err(error) => println!("ERROR: Request got an exception: {error:#}"),
        }
        results.push(result);
    }
    // Moving past the bad URL is the lesson; the good one failing is not.
    none_reached(&results, &good)
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    main(Session::new()?, ctx.url()?).await
}
