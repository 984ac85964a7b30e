//! Listing 4.13 — First completed: handle one result, the rest still pending.
//!
//! `FIRST_COMPLETED` is one `join_next` (wait for a task to finish) followed
//! by `try_join_next` until it returns `None` (collect any others that have
//! finished meanwhile, without waiting). The requests are quick, so one, two
//! or all three may be done: run it a few times. When `main` returns, its
//! `JoinSet` is dropped, and that aborts the tasks still in it (watch the
//! named tasks `fetch #1`... end in tokio-console: `--console`).
//!
//! Run: cargo run -p chapter04 -- 4.13

use shared_util::{Ctx, async_timed, spawn_named_in};
use tokio::task::JoinSet;

use crate::session::{Session, fetch_status};

#[async_timed]
async fn main(session: Session, url: String) -> anyhow::Result<()> {
    let mut fetchers = JoinSet::new();
    for n in 1..=3 {
        let fetch = fetch_status(session.clone(), url.clone());
        spawn_named_in(&mut fetchers, &format!("fetch #{n}"), fetch);
    }

    let mut done = Vec::from_iter(fetchers.join_next().await);
    while let Some(finished) = fetchers.try_join_next() {
        done.push(finished);
    }
    println!("Done task count: {}", done.len());
    println!("Pending task count: {}", fetchers.len());

    for done_task in done {
        println!("{}", done_task??);
    }
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    main(Session::new()?, ctx.url()?).await
}
