//! Listing 2.10 — Other work runs while two tasks sleep.
//!
//! While the two delay tasks wait on the timer, `main` prints a message
//! every second. Everything runs on one thread; the runtime switches at
//! each `.await`. The tasks are named for tokio-console (`--console`).
//!
//! Run: cargo run -p chapter02 -- 2.10 --timeline

use std::time::Duration;

use shared_util::{Ctx, delay, spawn_named};

async fn hello_every_second() {
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!("I'm running other code while I'm waiting!");
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let first_delay = spawn_named("first_delay", delay(3));
    let second_delay = spawn_named("second_delay", delay(3));

    hello_every_second().await;
    first_delay.await?;
    second_delay.await?;
    Ok(())
}
