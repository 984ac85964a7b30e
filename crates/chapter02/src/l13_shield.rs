//! Listing 2.13 — A timeout that does not cancel: Rust's `shield`.
//!
//! Python needs `asyncio.shield` to stop `wait_for` from cancelling the
//! task. In Rust, a timeout on `&mut handle` already leaves the task alone:
//! the timeout drops only its borrow of the handle, and a spawned task is not
//! cancelled by anything but `abort`. So we can warn the user, then await the
//! same handle again to get the result.
//!
//! Run: cargo run -p chapter02 -- 2.13

use std::time::Duration;

use shared_util::{Ctx, delay};

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut task = tokio::spawn(delay(10));

    match tokio::time::timeout(Duration::from_secs(5), &mut task).await {
        Ok(result) => println!("{}", result?),
        Err(_elapsed) => {
            println!("Task took longer than five seconds, it will finish soon!");
            let result = task.await?;
            println!("{result}");
        }
    }
    Ok(())
}
