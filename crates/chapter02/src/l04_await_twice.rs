//! Listing 2.4 — Awaiting inside an async main, twice.
//!
//! `.await` runs the awaited future to its result and pauses the caller
//! until then. Two awaits in a row behave like two ordinary calls: nothing
//! here runs concurrently yet. Rust writes `.await` after the expression,
//! so awaits chain left to right: `fetch().await?.json().await?`.
//!
//! Run: cargo run -p chapter02 -- 2.4

use shared_util::Ctx;

async fn add_one(number: i32) -> i32 {
    number + 1
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let one_plus_one = add_one(1).await;
    let two_plus_one = add_one(2).await;
    println!("{one_plus_one}");
    println!("{two_plus_one}");
    Ok(())
}
