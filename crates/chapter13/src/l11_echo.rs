//! Listing 13.11 — An interactive child that echoes what it is given.
//!
//! [`worker`] is the book's echo loop, run as `chapter13 __worker echo`:
//! prompt, read a line, print it back, until `quit`. Like Python writing to
//! a pipe, it buffers its output and flushes only before it reads, so an
//! echo and the next prompt leave in one write. The listing lends it our
//! stdin and stdout: type lines, then `quit`.
//!
//! Run: cargo run -p chapter13 -- 13.11

use std::io::{BufRead as _, BufWriter, Write as _};
use std::os::fd::AsFd as _;

use anyhow::bail;
use shared_util::Ctx;
use shared_util::ctx::worker_command;

use crate::child::{self, book_code};

/// What the echo children print when they want a line.
pub const PROMPT: &str = "Enter text to echo: ";

/// The child. Reaching the end of input before `quit` is an error, as
/// Python's `input()` raises `EOFError`.
pub fn worker(_args: &[String]) -> anyhow::Result<()> {
    // Our own buffer straight on the stdout file descriptor: Rust's
    // `Stdout` is line-buffered and would send the echo on its own.
    let stdout = std::fs::File::from(std::io::stdout().as_fd().try_clone_to_owned()?);
    let mut out = BufWriter::new(stdout);
    let mut user_input = String::new();
    while user_input != "quit" {
        write!(out, "{PROMPT}")?;
        out.flush()?;
        user_input.clear();
        if std::io::stdin().lock().read_line(&mut user_input)? == 0 {
            bail!("EOF when reading a line");
        }
        user_input.truncate(user_input.trim_end_matches(['\r', '\n']).len());
        writeln!(out, "{user_input}")?;
    }
    out.flush()?;
    Ok(())
}

/// An echo child (`echo` or `echo-pauses`) with the given name.
pub fn command(worker: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::from(worker_command(worker));
    command.kill_on_drop(true);
    command
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut process = child::start(&mut command("echo"), "echo", "echoed each line")?;
    let status = child::interruptible(async { Ok(process.wait().await?) }).await?;
    println!("Process returned: {}", book_code(status));
    Ok(())
}
