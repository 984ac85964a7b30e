//! Listing 2.11 — Cancelling a task after five seconds.
//!
//! `JoinHandle::abort` is `Task.cancel`, and `is_finished` is `done`. As in
//! asyncio, cancelling only asks: the task stops at its next `.await` (in
//! Rust, the next time it would be polled), which is why the loop below
//! checks once more before seeing it finished. Awaiting an aborted task
//! gives a `JoinError` whose `is_cancelled()` is true — the counterpart of
//! catching `CancelledError`.
//!
//! Run: cargo run -p chapter02 -- 2.11

use std::time::Duration;

use shared_util::{Ctx, delay};

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let long_task = tokio::spawn(delay(10));

    let mut seconds_elapsed = 0;
    while !long_task.is_finished() {
        println!("Task not finished, checking again in a second.");
        tokio::time::sleep(Duration::from_secs(1)).await;
        seconds_elapsed += 1;
        if seconds_elapsed == 5 {
            long_task.abort();
        }
    }

    match long_task.await {
        Err(error) if error.is_cancelled() => println!("Our task was cancelled"),
        Err(error) => return Err(error.into()),
        Ok(seconds) => println!("The task finished after {seconds} s"),
    }
    Ok(())
}
