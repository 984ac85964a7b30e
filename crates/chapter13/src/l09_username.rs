//! Listing 13.9 — A child program that asks for a username.
//!
//! The book's child is three lines of Python; ours is [`worker`], run as
//! `chapter13 __worker username`. The listing runs it with our own stdin
//! and stdout, so you answer it at the keyboard; 13.10 answers for you.
//!
//! Run: cargo run -p chapter13 -- 13.9

use std::io::{BufRead as _, Write as _};

use anyhow::bail;
use shared_util::Ctx;
use shared_util::ctx::worker_command;
use tokio::process::Command;

use crate::child::{self, book_code};

/// The child: prompts, reads one line, echoes it back. Like Python's
/// `input()`, a last line without a newline counts, and no input at all is
/// an error.
pub fn worker(_args: &[String]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    write!(out, "Please enter a username: ")?;
    out.flush()?;
    let mut username = String::new();
    if std::io::stdin().lock().read_line(&mut username)? == 0 {
        bail!("EOF when reading a line");
    }
    writeln!(
        out,
        "Your username is {}",
        username.trim_end_matches(['\r', '\n'])
    )?;
    Ok(())
}

/// The username child, ready to spawn.
pub fn command() -> Command {
    let mut command = Command::from(worker_command("username"));
    command.kill_on_drop(true);
    command
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut process = child::start(&mut command(), "username", "asked for a username")?;
    let status = child::interruptible(async { Ok(process.wait().await?) }).await?;
    println!("Process returned: {}", book_code(status));
    Ok(())
}
