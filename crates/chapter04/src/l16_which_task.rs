//! Listing 4.16 — Knowing which task is pending: cancel API B, not API A.
//!
//! The book's bug: `wait` wraps bare coroutines in new tasks, so `task is
//! api_b` never matches. In Rust a future handed to a `JoinSet` is moved
//! into it, and there is nothing left to compare; what `spawn` returns, an
//! `AbortHandle` with the task's `Id`, is the identity to keep. After the
//! 1 s wait, the handle tells us API B is unfinished and lets us abort it.
//!
//! Run: cargo run -p chapter04 -- 4.16

use std::time::Duration;

use shared_util::{Ctx, async_timed};
use tokio::task::JoinSet;
use tokio::time::{Instant, timeout_at};

use crate::session::{Session, fetch_status};

#[async_timed]
async fn main(
    session: Session,
    api_a_url: String,
    api_b_url: String,
    timeout: Duration,
) -> anyhow::Result<()> {
    let mut requests = JoinSet::new();
    let api_a = requests.spawn(fetch_status(session.clone(), api_a_url));
    let api_b = requests.spawn(fetch_status(session, api_b_url));
    let name = |id| if id == api_a.id() { "API A" } else { "API B" };

    let deadline = Instant::now() + timeout;
    while let Ok(Some(finished)) = timeout_at(deadline, requests.join_next_with_id()).await {
        let (id, status) = finished?;
        println!("{} finished: {}", name(id), status?);
    }

    // The pending ones, told apart by the handles we kept.
    for task in [&api_a, &api_b] {
        if !task.is_finished() && task.id() == api_b.id() {
            println!("API B too slow, cancelling");
            task.abort();
        }
    }
    while let Some(finished) = requests.join_next_with_id().await {
        match finished {
            Ok((id, status)) => println!("{} finished: {}", name(id), status?),
            Err(e) if e.is_cancelled() => println!("{} was cancelled", name(e.id())),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let api_b = ctx.url_for(&format!("/delay/{}", ctx.scaled(2.0).as_millis()))?;
    main(Session::new()?, ctx.url()?, api_b, ctx.scaled(1.0)).await
}
