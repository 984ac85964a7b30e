//! Listing 2.8 — Spawning a task returns at once.
//!
//! `tokio::spawn` is `asyncio.create_task`: it hands the future to the
//! runtime and returns a `JoinHandle` straight away, so the line after it
//! runs before the task has done anything. Awaiting the handle gives the
//! task's result, wrapped in a `Result` because the task may have panicked
//! or been aborted. A spawned future must be `Send + 'static`: it may move
//! to another worker thread and outlive the function that spawned it.
//!
//! Run: cargo run -p chapter02 -- 2.8

use std::any::type_name_of_val;

use shared_util::{Ctx, delay};

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let sleep_for_three = tokio::spawn(delay(3));
    println!("{}", type_name_of_val(&sleep_for_three));
    let result = sleep_for_three.await?;
    println!("{result}");
    Ok(())
}
