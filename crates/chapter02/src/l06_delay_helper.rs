//! Listing 2.6 — The `delay` helper.
//!
//! The book's `util.delay` lives in shared-util (`shared_util::delay`, file
//! `shared-util/src/delay.rs`) so every chapter uses the same one: it prints
//! `sleeping for N second(s)`, sleeps on Tokio's timer, prints
//! `finished sleeping for N second(s)` and returns N. It also records a span
//! for `--timeline`.
//!
//! Run: cargo run -p chapter02 -- 2.6

use shared_util::{Ctx, delay};

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let seconds = delay(1).await;
    println!("delay returned {seconds}");
    Ok(())
}
