//! Listing 4.15 — Wait with a timeout: done and pending after 1 s.
//!
//! One deadline for the whole wait: join tasks until it passes. Like
//! asyncio's `wait(timeout=1)`, reaching it raises nothing and cancels
//! nothing: the slow request is simply still in the set, running. `main`
//! hands the set back, and we wait for the slow one to finish after all.
//!
//! Run: cargo run -p chapter04 -- 4.15

use std::time::Duration;

use shared_util::{Ctx, async_timed};
use tokio::task::JoinSet;
use tokio::time::{Instant, timeout_at};

use crate::session::{Session, fetch_status};

#[async_timed]
async fn main(
    session: Session,
    fast: String,
    slow: String,
    timeout: Duration,
) -> anyhow::Result<JoinSet<anyhow::Result<u16>>> {
    let mut fetchers = JoinSet::new();
    fetchers.spawn(fetch_status(session.clone(), fast.clone()));
    fetchers.spawn(fetch_status(session.clone(), fast));
    fetchers.spawn(fetch_status(session, slow));

    let deadline = Instant::now() + timeout;
    let mut done = Vec::new();
    while let Ok(Some(finished)) = timeout_at(deadline, fetchers.join_next()).await {
        done.push(finished);
    }
    println!("Done task count: {}", done.len());
    println!("Pending task count: {}", fetchers.len());

    for done_task in done {
        println!("{}", done_task??);
    }
    Ok(fetchers)
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let slow = ctx.url_for(&format!("/delay/{}", ctx.scaled(3.0).as_millis()))?;
    let mut pending = main(Session::new()?, ctx.url()?, slow, ctx.scaled(1.0)).await?;

    println!(
        "{} task(s) still pending, and still running:",
        pending.len()
    );
    while let Some(finished) = pending.join_next().await {
        println!("finished later: {}", finished??);
    }
    Ok(())
}
