//! Listing 13.2 — A timeout on `sleep 3`, then SIGTERM.
//!
//! A timeout around `wait()` cancels the *wait*, not the child: when it
//! fires, `sleep` is still running. We then send SIGTERM ourselves (as
//! asyncio's `terminate()` does; Tokio's `kill()` would send SIGKILL) and
//! wait again — with a bound too, since a child may ignore SIGTERM.
//!
//! Run: cargo run -p chapter13 -- 13.2

use std::time::Duration;

use shared_util::{Ctx, async_timed};
use tokio::process::Command;
use tokio::time::timeout;

use crate::child::{self, book_code};

#[async_timed]
async fn main(program: String) -> anyhow::Result<()> {
    let mut process = child::start(
        Command::new(&program).arg("3").kill_on_drop(true),
        &format!("{program} 3"),
        "slept for 3 seconds until we terminated it after 1",
    )?;
    println!("Process pid is: {}", process.id().unwrap_or_default());

    match timeout(Duration::from_secs(1), process.wait()).await {
        Ok(status) => println!("{}", book_code(status?)),
        Err(_elapsed) => {
            // Only our wait was given up; the child sleeps on.
            println!("Timed out waiting to finish, terminating...");
            child::terminate(&process)?;
            let status = match timeout(Duration::from_secs(5), process.wait()).await {
                Ok(status) => status?,
                Err(_elapsed) => {
                    println!("it ignored SIGTERM for 5 s: sending SIGKILL");
                    process.kill().await?;
                    process.wait().await?
                }
            };
            println!("{}", book_code(status));
            println!("(Rust's ExitStatus: {status})");
        }
    }
    Ok(())
}

pub(crate) async fn sleep_with_timeout(program: &str) -> anyhow::Result<()> {
    child::interruptible(main(program.to_owned())).await
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    sleep_with_timeout("sleep").await
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_missing_sleep_is_named_in_the_error() {
        let error = super::sleep_with_timeout("no-such-sleep-ch13")
            .await
            .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("could not start `no-such-sleep-ch13 3`: "),
            "{error}"
        );
    }
}
