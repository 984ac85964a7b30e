//! Listing 13.3 — Reading a child's stdout line by line, with a prefix.
//!
//! `Stdio::piped()` hands us the child's stdout as an `AsyncRead`; a
//! `BufReader` gives `lines()`, asyncio's `readline` loop. The reader and
//! `wait()` run together with `try_join!`, where the book gathers a task
//! and `wait()`: reading while waiting is what keeps the pipe from filling.
//!
//! Run: cargo run -p chapter13 -- 13.3

use std::process::Stdio;

use shared_util::Ctx;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{ChildStdout, Command};

use crate::child::{self, book_code};

async fn write_output(prefix: &str, stdout: ChildStdout) -> anyhow::Result<()> {
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next_line().await? {
        println!("[{prefix}]: {line}");
    }
    Ok(())
}

async fn main() -> anyhow::Result<()> {
    let program = ["ls", "-la"];
    let prefix = program.join(" ");
    let mut process = child::start(
        Command::new(program[0])
            .args(&program[1..])
            .stdout(Stdio::piped())
            .kill_on_drop(true),
        &prefix,
        "printed each file of this directory, prefixed with [ls -la]",
    )?;
    println!("Process pid is: {}", process.id().unwrap_or_default());
    let stdout = process.stdout.take().expect("stdout was piped");

    let (status, ()) = tokio::try_join!(
        async { Ok(process.wait().await?) },
        write_output(&prefix, stdout),
    )?;
    println!("Process returned: {}", book_code(status));
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    child::interruptible(main()).await
}
