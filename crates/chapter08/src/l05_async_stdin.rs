//! Listing 8.5 — Reading stdin without blocking the runtime.
//!
//! The book wraps stdin in a `StreamReader` with `connect_read_pipe`. Tokio
//! ships `tokio::io::stdin()`, which does the blocking read on a helper
//! thread and wakes our task when a line is there; wrapped in a `BufReader`
//! it gives `lines()`. The ticker keeps ticking while we wait. The wait is
//! bounded (60 s) so an unattended run ends.
//!
//! Run: cargo run -p chapter08 -- 8.5

use std::time::Duration;

use shared_util::Ctx;
use tokio::io::{AsyncBufReadExt as _, BufReader};

use crate::ticker::{spawn_ticker, ticks};

const WAIT: Duration = Duration::from_secs(60);

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let counter = spawn_ticker();
    let mut lines = BufReader::new(tokio::io::stdin()).lines();

    println!("type a line and press Enter (the ticker keeps going)");
    let before = ticks(&counter);
    match tokio::time::timeout(WAIT, lines.next_line()).await {
        Ok(Ok(Some(line))) => println!("read {line:?}"),
        Ok(Ok(None)) => println!("end of input"),
        Ok(Err(error)) => return Err(error.into()),
        Err(_) => println!("no line within {} s; giving up", WAIT.as_secs()),
    }
    println!(
        "the ticker ticked {} time(s) while we waited",
        ticks(&counter) - before
    );
    Ok(())
}
