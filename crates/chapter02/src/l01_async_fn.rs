//! Listing 2.1 — An async fn.
//!
//! `async fn` is Rust's `async def`. As in Python, nothing here waits on
//! anything yet: the body prints and returns the moment it is polled.
//! Unlike Python, there is no event loop to put it on implicitly: something
//! must drive the future (here the runner's runtime, via `.await`).
//!
//! Run: cargo run -p chapter02 -- 2.1

use shared_util::Ctx;

async fn my_coroutine() {
    println!("Hello world!");
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    my_coroutine().await;
    Ok(())
}
