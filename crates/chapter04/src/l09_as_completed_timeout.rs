//! Listing 4.9 — As-completed with a 2 s deadline for the whole loop.
//!
//! asyncio's `as_completed(timeout=2)` makes every remaining await raise
//! `TimeoutError` once the deadline passes. Here one deadline bounds every
//! `next()` with `timeout_at`; when it fires, each unfinished request gets
//! its timeout line. As in Python, the timeout does not stop the requests:
//! they are spawned tasks, and a task runs on until it finishes or is
//! aborted, so we list what is still running, then abort it. (Had we used
//! plain futures, as 4.8 does, leaving the loop would have dropped them.)
//! The tasks are named `fetch #1`... for tokio-console (`--console`).
//!
//! Run: cargo run -p chapter04 -- 4.9

use std::time::Duration;

use futures::StreamExt as _;
use futures::stream::FuturesUnordered;
use shared_util::{Ctx, async_timed, spawn_named};
use tokio::time::{Instant, timeout_at};

use crate::session::{Session, fetch_status};

#[async_timed]
async fn main(
    session: Session,
    requests: Vec<(u64, String)>,
    timeout: Duration,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + timeout;
    let mut tasks = Vec::new();
    for (n, (seconds, url)) in (1..).zip(requests) {
        let fetch = spawn_named(&format!("fetch #{n}"), fetch_status(session.clone(), url));
        tasks.push((seconds, fetch));
    }

    let mut results: FuturesUnordered<_> = tasks.iter_mut().map(|(_, task)| task).collect();
    loop {
        match timeout_at(deadline, results.next()).await {
            Ok(Some(status)) => println!("{}", status??),
            Ok(None) => break,
            Err(_elapsed) => {
                for _ in 0..results.len() {
                    println!("We got a timeout error!");
                }
                break;
            }
        }
    }
    drop(results);

    // asyncio.all_tasks(): what is still running after the loop?
    for (seconds, task) in &tasks {
        if !task.is_finished() {
            println!(
                "still running: task {} (the {seconds} s request)",
                task.id()
            );
        }
    }
    for (seconds, task) in tasks {
        if !task.is_finished() {
            task.abort();
            let cancelled = matches!(task.await, Err(e) if e.is_cancelled());
            println!("aborted the {seconds} s request: cancelled = {cancelled}");
        }
    }
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut requests = Vec::new();
    for seconds in [1, 10, 10] {
        let ms = ctx.scaled(seconds as f64).as_millis();
        requests.push((seconds, ctx.url_for(&format!("/delay/{ms}"))?));
    }
    main(Session::new()?, requests, ctx.scaled(2.0)).await
}
