//! Listing 13.13 — An echo child with random pauses breaks the naive client.
//!
//! [`worker`] (`chapter13 __worker echo-pauses`) echoes each line 0 to 9
//! times, half a second apart, flushing every line as it goes, as a chatty
//! program does. Now a read often returns an echo without the prompt, so
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
use crate::l11_echo::PROMPT;
use crate::l12_naive_echo_client::talk_naively;

/// The child: the 13.11 loop, with a random number of slow echoes.
pub fn worker(_args: &[String]) -> anyhow::Result<()> {
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
            std::thread::sleep(Duration::from_millis(500));
            writeln!(out, "{user_input}")?;
            out.flush()?;
        }
    }
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    child::interruptible(talk_naively("echo-pauses")).await
}
