//! Listing 8.10 — The delay console: type a number, a delay starts.
//!
//! A full-screen app: each number typed and entered starts a task that
//! sleeps that many seconds; "Starting delay N"/"Finished delay N" scroll
//! in above while the bottom line keeps taking keys (Backspace works).
//! Ctrl-C, or Ctrl-D on an empty line, quits and the screen is restored.
//! Tasks report through a channel to the one loop that draws, where the
//! book's tasks print to the terminal themselves.
//!
//! Run: cargo run -p chapter08 -- 8.10

use std::time::Duration;

use shared_util::Ctx;
use tokio::sync::mpsc;

use crate::console::{Next, run_console};

/// What a typed line means: a delay in seconds, or an answer to show.
pub fn parse_delay(line: &str) -> Result<u64, String> {
    match line.trim().parse::<u64>() {
        Ok(seconds) if seconds <= 3600 => Ok(seconds),
        _ => Err(format!(
            "'{}' is not a delay: type a whole number of seconds (0-3600)",
            line.trim()
        )),
    }
}

async fn delay(seconds: u64, messages: mpsc::UnboundedSender<String>) {
    let _ = messages.send(format!("Starting delay {seconds}"));
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let _ = messages.send(format!("Finished delay {seconds}"));
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let (messages, inbox) = mpsc::unbounded_channel();
    let _ = messages.send("Type a number of seconds and press Enter; Ctrl-C quits.".to_owned());
    run_console("> ".to_owned(), inbox, |line| {
        match parse_delay(&line) {
            Ok(seconds) => drop(tokio::spawn(delay(seconds, messages.clone()))),
            Err(why) => drop(messages.send(why)),
        }
        Next::Continue
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_delays_and_anything_else_is_explained() {
        assert_eq!(parse_delay(" 3 "), Ok(3));
        assert!(
            parse_delay("abc")
                .unwrap_err()
                .contains("'abc' is not a delay")
        );
        assert!(parse_delay("-1").is_err());
        assert!(parse_delay("99999").is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn a_delay_reports_its_start_and_finish() {
        let (messages, mut inbox) = mpsc::unbounded_channel();
        delay(5, messages).await;
        assert_eq!(inbox.recv().await.unwrap(), "Starting delay 5");
        assert_eq!(inbox.recv().await.unwrap(), "Finished delay 5");
    }
}
