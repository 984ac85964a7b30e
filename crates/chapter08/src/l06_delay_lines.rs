//! Listing 8.6 — Delays started from lines of stdin.
//!
//! Each line read from `tokio::io::stdin()` is a number of seconds; each
//! starts `delay(N)` as its own task, and reading goes on at once. The
//! delays' output lands in the middle of whatever the user is typing —
//! the problem the full-screen app of 8.10 solves. At end of input the
//! listing waits for the delays still running (a `JoinSet`).
//!
//! Run: cargo run -p chapter08 -- 8.6

use shared_util::{Ctx, delay};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::task::JoinSet;

use crate::l10_delay_console::parse_delay;

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    println!("type numbers of seconds, one per line; end input with Ctrl-D");
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut delays = JoinSet::new();
    while let Some(line) = lines.next_line().await? {
        match parse_delay(&line) {
            Ok(seconds) => drop(delays.spawn(delay(seconds))),
            Err(why) => println!("{why}"),
        }
    }
    println!("end of input; waiting for {} delay(s)", delays.len());
    while let Some(done) = delays.join_next().await {
        done?;
    }
    Ok(())
}
