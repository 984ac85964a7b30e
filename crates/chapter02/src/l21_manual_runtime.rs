//! Listing 2.21 — Building a runtime by hand, and shutting it down.
//!
//! `asyncio.new_event_loop()` + `run_until_complete` + `close()` map to
//! `runtime::Builder` + `block_on` + dropping the runtime (or
//! `shutdown_timeout`, to bound how long blocking work may hold it up).
//! Like `run_until_complete`, `block_on` returns as soon as *its* future is
//! done; tasks still running are then dropped at shutdown — Rust's way of
//! cancelling them — and their `Drop` code runs.
//!
//! Run: cargo run -p chapter02 -- 2.21

use std::time::Duration;

use shared_util::{Ctx, timed};

async fn main() {
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Says when the task that owns it is dropped.
struct Goodbye;

impl Drop for Goodbye {
    fn drop(&mut self) {
        println!("a task still sleeping was dropped at shutdown");
    }
}

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;

    runtime.spawn(async {
        let _goodbye = Goodbye;
        tokio::time::sleep(Duration::from_secs(60)).await;
        println!("never printed: the runtime is gone before this");
    });
    runtime.block_on(timed("main", main()));

    runtime.shutdown_timeout(Duration::from_secs(1));
    println!("runtime shut down");
    Ok(())
}
