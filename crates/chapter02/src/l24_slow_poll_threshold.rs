//! Listing 2.24 — Changing the slow-poll threshold to 250 ms.
//!
//! `debug::set_slow_poll_threshold` is `loop.slow_callback_duration`.
//! To show it working, two tasks hold the thread with a blocking sleep, one
//! for 150 ms (under the threshold: silent) and one for 400 ms (reported).
//! `std::thread::sleep` is used on purpose: it blocks, as a bug would.
//!
//! Run: cargo run -p chapter02 -- 2.24

use std::time::Duration;

use shared_util::{Ctx, async_timed, debug};

#[async_timed]
async fn hold_the_thread(millis: u64) {
    std::thread::sleep(Duration::from_millis(millis));
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    debug::enable();
    debug::set_slow_poll_threshold(Duration::from_millis(250));
    println!(
        "slow-poll threshold: {} ms",
        debug::slow_poll_threshold().as_millis()
    );

    tokio::spawn(hold_the_thread(150)).await?;
    tokio::spawn(hold_the_thread(400)).await?;
    Ok(())
}
