//! Listing 13.13 — An echo child with random pauses breaks the naive client.
//!
//! [`worker`] (`chapter13 __worker echo-pauses`) echoes each line 0 to 9
//! times, half a second apart (`--scale` shortens the pause), flushing
//! every line as it goes, as a chatty program does. Now a read often returns an echo without the prompt, so
//! 13.12's loop writes the next input before the child asked and stops
//! reading while output is still coming: the run says how often.
//!
//! Run: cargo run -p chapter13 -- 13.13

use std::io::{BufRead as _, Write as _};
use std::time::Duration;

use anyhow::bail;
use rand::Rng as _;
use shared_util::Ctx;

use crate::child;
use crate::l11_echo::{PROMPT, command};
use crate::l12_naive_echo_client::talk_naively;

/// The book's pause between two echoes of a line, in seconds.
const PAUSE: f64 = 0.5;

/// The child that pauses, with the book's pause times `--scale`.
pub fn command_with_pauses(ctx: &Ctx) -> tokio::process::Command {
    let mut command = command("echo-pauses");
    command.arg(ctx.scaled(PAUSE).as_millis().to_string());
    command
}

/// The child: the 13.11 loop, with a random number of slow echoes. Its
/// argument is the pause in milliseconds (the book's 500 when absent).
pub fn worker(args: &[String]) -> anyhow::Result<()> {
    let pause = match args.first() {
        Some(ms) => Duration::from_millis(ms.parse()?),
        None => Duration::from_secs_f64(PAUSE),
    };
    let mut out = std::io::stdout().lock();
    let mut user_input = String::new();
    while user_input != "quit" {
        write!(out, "{PROMPT}")?;
        out.flush()?;
        user_input.clear();
        if std::io::stdin().lock().read_line(&mut user_input)? == 0 {
            bail!("EOF when reading a line");
        }
        user_input.truncate(user_input.trim_end_matches(['\r', '\n']).len());
        for _ in 0..rand::rng().random_range(0..10) {
            std::thread::sleep(pause);
            writeln!(out, "{user_input}")?;
            out.flush()?;
        }
    }
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    child::interruptible(talk_naively(command_with_pauses(ctx), "echo-pauses")).await
}
