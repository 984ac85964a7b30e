//! Listing 13.12 — Talking to the echo child without waiting for prompts.
//!
//! `consume_and_send` reads one chunk, then writes the next input, as if
//! every read returned exactly one answer ending in the prompt. With the
//! 13.11 child that happens to hold, since it writes echo and prompt at
//! once; 13.13 shows a child where it does not. Every read is bounded
//! (10 s) so a silent child cannot hang us; `quit` ends the child.
//!
//! Run: cargo run -p chapter13 -- 13.12

use std::process::Stdio;
use std::time::Duration;

use anyhow::Context as _;
use shared_util::Ctx;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::process::{ChildStdin, ChildStdout};
use tokio::time::timeout;

use crate::child::{self, book_code};
use crate::l11_echo::{PROMPT, command};

/// What the listing types into the child.
pub const TEXT_INPUT: [&str; 5] = ["one\n", "two\n", "three\n", "four\n", "quit\n"];

/// Reads a chunk, writes a text, for each text; returns how many texts
/// went out before the child had asked for them.
pub async fn consume_and_send(
    text_list: &[&str],
    stdout: &mut ChildStdout,
    mut stdin: ChildStdin,
) -> anyhow::Result<usize> {
    let mut too_early = 0;
    for text in text_list {
        let mut buffer = [0; 2048];
        let read = timeout(Duration::from_secs(10), stdout.read(&mut buffer))
            .await
            .context("the child wrote nothing for 10 s")??;
        let chunk = String::from_utf8_lossy(&buffer[..read]);
        println!("{chunk:?}");
        if !chunk.ends_with(PROMPT) {
            println!("  (no prompt at the end: {text:?} goes out before the child asked)");
            too_early += 1;
        }
        stdin.write_all(text.as_bytes()).await?;
    }
    Ok(too_early)
}

/// Runs the naive client against an echo child: `command` starts the
/// worker named `worker`.
pub async fn talk_naively(
    mut command: tokio::process::Command,
    worker: &str,
) -> anyhow::Result<()> {
    let mut process = child::start(
        command.stdin(Stdio::piped()).stdout(Stdio::piped()),
        worker,
        "echoed each line",
    )?;
    let stdin = process.stdin.take().expect("stdin was piped");
    let mut stdout = process.stdout.take().expect("stdout was piped");

    let outcome = tokio::try_join!(consume_and_send(&TEXT_INPUT, &mut stdout, stdin), async {
        timeout(Duration::from_secs(60), process.wait())
            .await
            .context("the child did not exit within 60 s of starting")?
            .context("could not wait for the child")
    },);
    if outcome.is_err() {
        // Whatever went wrong, the child does not outlive us unreaped.
        let _ = process.kill().await;
    }
    let (too_early, status) = outcome?;
    // The child has exited: what it wrote after our last read is still in
    // the pipe, and the naive loop never looked at it.
    let mut unread = String::new();
    stdout.read_to_string(&mut unread).await?;
    println!("Process returned: {}", book_code(status));
    println!(
        "{too_early} of {} inputs were written before their prompt; {} bytes of output were never read by the loop: {unread:?}",
        TEXT_INPUT.len(),
        unread.len()
    );
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    child::interruptible(talk_naively(command("echo"), "echo")).await
}
