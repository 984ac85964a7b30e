//! Listing 2.7 — Two awaits in a row run one after the other.
//!
//! `add_one` could have answered at once, but `main` is paused on the
//! one-second message first, so both results appear after that second.
//! Awaiting a future directly never runs it alongside anything else: that
//! takes a task (listing 2.8) or a combinator such as `tokio::join!`.
//!
//! Run: cargo run -p chapter02 -- 2.7

use shared_util::{Ctx, delay};

async fn add_one(number: i32) -> i32 {
    number + 1
}

async fn hello_world_message() -> &'static str {
    delay(1).await;
    "Hello World!"
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let message = hello_world_message().await;
    let one_plus_one = add_one(1).await;
    println!("{one_plus_one}");
    println!("{message}");
    Ok(())
}
