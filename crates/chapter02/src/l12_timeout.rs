//! Listing 2.12 — A timeout, and cancelling the task it gave up on.
//!
//! `tokio::time::timeout` is `asyncio.wait_for`, with one difference that
//! matters: on timeout it *drops* what it was waiting on. Dropping a future
//! cancels it, but dropping a `JoinHandle` does NOT cancel the task: the task
//! runs on, detached. So here, as `wait_for` does for us in Python, we abort
//! the task ourselves. (tokio-util's `AbortOnDropHandle` makes dropping the
//! handle cancel the task, if that is the behaviour you want.)
//!
//! Run: cargo run -p chapter02 -- 2.12

use std::time::Duration;

use shared_util::{Ctx, delay};

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut delay_task = tokio::spawn(delay(2));

    match tokio::time::timeout(Duration::from_secs(1), &mut delay_task).await {
        Ok(result) => println!("{}", result?),
        Err(_elapsed) => {
            println!("Got a timeout!");
            delay_task.abort();
            let cancelled = matches!(delay_task.await, Err(e) if e.is_cancelled());
            println!("Was the task cancelled? {cancelled}");
        }
    }
    Ok(())
}
