//! Listing 13.6 — Reading everything while waiting: no deadlock.
//!
//! `wait_with_output()` is asyncio's `communicate()`: it drains stdout
//! (and stderr) while waiting, so the child never blocks on a full pipe.
//! The book prints the whole 14 MB; we print its size and first line.
//!
//! Run: cargo run -p chapter13 -- 13.6

use std::process::Stdio;

use shared_util::Ctx;

use crate::child::{self, book_code};
use crate::l04_million_lines::{LINES, command};

async fn main() -> anyhow::Result<()> {
    let process = child::start(
        command(LINES).stdout(Stdio::piped()),
        "million-lines",
        "printed a million lines",
    )?;
    println!("Process pid is: {}", process.id().unwrap_or_default());
    let output = process.wait_with_output().await?;

    let text = String::from_utf8_lossy(&output.stdout);
    println!("first line: {:?}", text.lines().next().unwrap_or_default());
    println!(
        "read {} bytes in {} lines",
        output.stdout.len(),
        text.lines().count()
    );
    println!("Process returned: {}", book_code(output.status));
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    child::interruptible(main()).await
}
