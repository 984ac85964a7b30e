//! Listing 13.5 — Waiting on a child whose piped stdout nobody reads.
//!
//! The child fills the pipe (64 KiB) and blocks in `write`; we block in
//! `wait()` for it to exit: neither moves, and asyncio hangs forever here.
//! We bound the wait at 2 s, ask the kernel where the child sleeps
//! (`/proc/PID/wchan`), then kill it with SIGKILL and reap it.
//!
//! Run: cargo run -p chapter13 -- 13.5

use std::process::Stdio;
use std::time::Duration;

use shared_util::Ctx;
use tokio::time::timeout;

use crate::child::{self, book_code};
use crate::l04_million_lines::{LINES, command};

/// Where the kernel says the process sleeps, e.g. `anon_pipe_write`.
fn sleeping_in(pid: u32) -> Option<String> {
    let wchan = std::fs::read_to_string(format!("/proc/{pid}/wchan")).ok()?;
    (!wchan.is_empty() && wchan != "0").then_some(wchan)
}

async fn main() -> anyhow::Result<()> {
    let mut process = child::start(
        command(LINES).stdout(Stdio::piped()),
        "million-lines",
        "printed a million lines",
    )?;
    let pid = process.id().unwrap_or_default();
    println!("Process pid is: {pid}");

    match timeout(Duration::from_secs(2), process.wait()).await {
        Ok(status) => println!("Process returned: {}", book_code(status?)),
        Err(_elapsed) => {
            println!("still waiting after 2 s: the child has not exited");
            match sleeping_in(pid) {
                Some(place) if place.contains("pipe_write") => println!(
                    "the kernel says the child sleeps in {place}: it is blocked writing into a full pipe that nobody reads"
                ),
                Some(place) => println!("the kernel says the child sleeps in {place}"),
                None => println!("(/proc does not say where the child sleeps)"),
            }
            println!("deadlock: it waits for us to read, we wait for it to exit");
            // Tokio's kill() is SIGKILL, then a wait: the child is reaped.
            process.kill().await?;
            let status = process.wait().await?;
            println!(
                "killed and reaped the child: status {} ({status})",
                book_code(status)
            );
        }
    }
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    child::interruptible(main()).await
}
