//! Listing 2.5 — Sleeping for a second, then saying hello.
//!
//! `tokio::time::sleep` is `asyncio.sleep`: the task parks on the runtime's
//! timer and the thread is free for other tasks meanwhile. Never use
//! `std::thread::sleep` in async code: it stops the whole thread (listing
//! 2.20 shows the damage).
//!
//! Run: cargo run -p chapter02 -- 2.5

use std::time::Duration;

use shared_util::Ctx;

async fn hello_world_message() -> &'static str {
    tokio::time::sleep(Duration::from_secs(1)).await;
    "Hello World!"
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let message = hello_world_message().await;
    println!("{message}");
    Ok(())
}
