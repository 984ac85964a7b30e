//! Listing 13.10 — Answering the username prompt through stdin.
//!
//! asyncio's `communicate(b'TestUsername')` writes the input, closes stdin
//! and reads stdout to the end. In Tokio that is three steps we spell out:
//! take `stdin`, write and drop it (the close), then `wait_with_output()`.
//! The prompt and the answer arrive as one string: the child never saw us.
//!
//! Run: cargo run -p chapter13 -- 13.10

use std::process::Stdio;

use shared_util::Ctx;
use tokio::io::AsyncWriteExt as _;

use crate::child::{self, book_code};
use crate::l09_username::command;

async fn main() -> anyhow::Result<()> {
    let mut process = child::start(
        command().stdin(Stdio::piped()).stdout(Stdio::piped()),
        "username",
        "asked for a username",
    )?;
    let mut stdin = process.stdin.take().expect("stdin was piped");
    stdin.write_all(b"TestUsername").await?;
    drop(stdin);
    let output = process.wait_with_output().await?;

    println!("{:?}", String::from_utf8_lossy(&output.stdout));
    println!("stderr: not piped, so nothing was captured (the book prints None)");
    println!("Process returned: {}", book_code(output.status));
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    child::interruptible(main()).await
}
