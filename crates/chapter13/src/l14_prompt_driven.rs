//! Listing 13.14 — Writing each line only after the prompt arrives.
//!
//! One future reads the child's output and, when what it read since the
//! last prompt ends with a new prompt, signals a `Notify` (asyncio's
//! `Event`; `notify_one` keeps the signal if nobody waits yet). The other
//! writes a line each time it is signalled. Both run with `wait()`; the
//! whole exchange is bounded (60 s) in case the child stops prompting.
//!
//! Run: cargo run -p chapter13 -- 13.14

use std::process::Stdio;
use std::time::Duration;

use anyhow::Context as _;
use shared_util::Ctx;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::process::{ChildStdin, ChildStdout};
use tokio::sync::Notify;
use tokio::time::timeout;

use crate::child::{self, book_code};
use crate::l11_echo::PROMPT;
use crate::l12_naive_echo_client::TEXT_INPUT;
use crate::l13_echo_with_pauses::command_with_pauses;

async fn output_consumer(input_ready: &Notify, mut stdout: ChildStdout) -> anyhow::Result<()> {
    let mut since_prompt = String::new();
    let mut buffer = [0; 1024];
    loop {
        let read = stdout.read(&mut buffer).await?;
        if read == 0 {
            return Ok(()); // the child closed its stdout: it is exiting
        }
        let chunk = String::from_utf8_lossy(&buffer[..read]);
        println!("{chunk:?}");
        // A prompt may arrive split over two reads: look at all since the last.
        since_prompt.push_str(&chunk);
        if since_prompt.ends_with(PROMPT) {
            since_prompt.clear();
            input_ready.notify_one();
        }
    }
}

async fn input_writer(
    text_data: &[&str],
    input_ready: &Notify,
    mut stdin: ChildStdin,
) -> anyhow::Result<()> {
    for text in text_data {
        input_ready.notified().await;
        println!("(prompt seen: writing {text:?})");
        stdin.write_all(text.as_bytes()).await?;
    }
    Ok(()) // stdin is dropped here, which closes it
}

async fn main(ctx: &Ctx) -> anyhow::Result<()> {
    let mut process = child::start(
        command_with_pauses(ctx)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped()),
        "echo-pauses",
        "echoed each line a few times",
    )?;
    let stdin = process.stdin.take().expect("stdin was piped");
    let stdout = process.stdout.take().expect("stdout was piped");
    let input_ready = Notify::new();

    let exchange = async {
        tokio::try_join!(
            output_consumer(&input_ready, stdout),
            input_writer(&TEXT_INPUT, &input_ready, stdin),
            async { Ok(process.wait().await?) },
        )
    };
    let outcome = timeout(Duration::from_secs(60), exchange).await;
    if !matches!(outcome, Ok(Ok(_))) {
        // Whatever went wrong, the child does not outlive us unreaped.
        let _ = process.kill().await;
    }
    let ((), (), status) = outcome.context("the child stopped prompting: gave up after 60 s")??;
    println!("Process returned: {}", book_code(status));
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    child::interruptible(main(ctx)).await
}
