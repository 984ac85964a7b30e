//! Listing 4.7 — Results come back in the order passed in: `[3, 1]`.
//!
//! `futures::future::join_all` is `asyncio.gather` for a list: it runs the
//! futures concurrently and returns their outputs in the order given, even
//! though `delay(1)` finishes two seconds before `delay(3)`. Unlike gather it
//! does not spawn tasks: both futures are polled inside `main`'s own task.
//!
//! Run: cargo run -p chapter04 -- 4.7 --timeline

use futures::future::join_all;
use shared_util::{Ctx, async_timed};

/// The book's `delay`, with the `@async_timed()` it wears in this chapter.
#[async_timed]
async fn delay(seconds: u64) -> u64 {
    shared_util::delay(seconds).await
}

#[async_timed]
async fn main() {
    let results = join_all([delay(3), delay(1)]).await;
    println!("{results:?}");
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    main().await;
    Ok(())
}
