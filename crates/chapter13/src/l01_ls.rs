//! Listing 13.1 — Running `ls -l` as a child process.
//!
//! `tokio::process::Command` is asyncio's `create_subprocess_exec`: the
//! child inherits our stdout, so its listing lands between our two lines.
//! `wait()` is a future like asyncio's coroutine; `kill_on_drop(true)`
//! makes sure an abandoned child is killed, where asyncio leaves it running.
//!
//! Run: cargo run -p chapter13 -- 13.1

use shared_util::Ctx;
use tokio::process::Command;

use crate::child::{self, book_code};

/// The listing, with the program to run as a parameter so a test can point
/// it at a command that does not exist.
pub(crate) async fn list_directory(program: &str) -> anyhow::Result<()> {
    let mut process = child::start(
        Command::new(program).arg("-l").kill_on_drop(true),
        &format!("{program} -l"),
        "printed the files of this directory, one per line",
    )?;
    println!("Process pid is: {}", process.id().unwrap_or_default());
    let status = process.wait().await?;
    println!("Status code: {}", book_code(status));
    println!("(Rust's ExitStatus: {status})");
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    child::interruptible(list_directory("ls")).await
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_missing_ls_is_named_in_the_error() {
        let error = super::list_directory("no-such-ls-ch13").await.unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("could not start `no-such-ls-ch13 -l`: "),
            "{error}"
        );
    }
}
