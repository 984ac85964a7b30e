//! Listing 8.4 — A blocking read of stdin freezes the whole runtime.
//!
//! A ticker task prints `tick N` every half second; then `run` reads a line
//! with `std::io::stdin().read_line`, a blocking call, on the runtime's only
//! thread. No tick prints until Enter is pressed: like the book's `input()`
//! inside a coroutine, the call holds the thread the event loop needs. The
//! listing counts the ticks during the wait to prove it: 0 on the default
//! current-thread runtime (with `--runtime multi-thread` another worker
//! thread keeps ticking, which is the other half of the lesson).
//!
//! Run: cargo run -p chapter08 -- 8.4

use std::time::Duration;

use shared_util::Ctx;

use crate::ticker::{spawn_ticker, ticks};

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let counter = spawn_ticker();
    tokio::time::sleep(Duration::from_millis(1200)).await; // two ticks, for contrast

    println!("type a line and press Enter (a blocking read: watch the ticks stop)");
    let before = ticks(&counter);
    let mut line = String::new();
    let n = std::io::stdin().read_line(&mut line)?; // blocks the runtime's thread
    let during = ticks(&counter) - before;
    if n == 0 {
        println!("end of input");
    } else {
        println!("read {:?}", line.trim_end());
    }
    println!("the ticker ticked {during} time(s) while we waited");

    tokio::time::sleep(Duration::from_millis(1200)).await;
    println!(
        "after the read the ticker runs again: {} tick(s) in all",
        ticks(&counter)
    );
    Ok(())
}
