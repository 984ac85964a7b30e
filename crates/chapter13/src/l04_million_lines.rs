//! Listing 13.4 — A child that writes a million lines.
//!
//! The book's child is a Python script; ours is this binary run as
//! `chapter13 __worker million-lines [N]` ([`worker`] below), so nothing
//! but the chapter is needed. The listing runs it with N = 3 to show what
//! it prints; 13.5 and 13.6 run the full million through a pipe.
//!
//! Run: cargo run -p chapter13 -- 13.4

use std::io::{BufWriter, Write as _};

use shared_util::Ctx;
use shared_util::ctx::worker_command;
use tokio::process::Command;

use crate::child::{self, book_code};

/// What the child prints, a million times over.
pub const LINE: &str = "Hello there!!\n";
/// How many lines the book's child prints.
pub const LINES: usize = 1_000_000;

/// The child: prints [`LINE`] N times (a million unless told), through a
/// buffer as Python's `sys.stdout.buffer` does.
pub fn worker(args: &[String]) -> anyhow::Result<()> {
    let lines: usize = match args.first() {
        Some(n) => n.parse()?,
        None => LINES,
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    for _ in 0..lines {
        out.write_all(LINE.as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

/// The million-line child, ready to spawn.
pub fn command(lines: usize) -> Command {
    let mut command = Command::from(worker_command("million-lines"));
    command.arg(lines.to_string()).kill_on_drop(true);
    command
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut process = child::start(&mut command(3), "million-lines 3", "printed 3 lines")?;
    let status = child::interruptible(async { Ok(process.wait().await?) }).await?;
    println!("Process returned: {}", book_code(status));
    println!(
        "the real child prints {LINES} of these lines: {} bytes, far more than a pipe holds (64 KiB by default on Linux)",
        LINES * LINE.len()
    );
    Ok(())
}
