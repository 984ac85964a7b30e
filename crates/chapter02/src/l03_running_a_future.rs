//! Listing 2.3 — Running a future to completion from `main`.
//!
//! `asyncio.run` creates an event loop, runs one coroutine to completion and
//! closes the loop. Tokio's counterpart is building a runtime and calling
//! `block_on`; `#[tokio::main]` writes exactly this for you. There is no
//! global loop to find: the runtime is a value, and it is gone when dropped.
//!
//! Run: cargo run -p chapter02 -- 2.3

use shared_util::Ctx;

async fn coroutine_add_one(number: i32) -> i32 {
    number + 1
}

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(coroutine_add_one(1));
    println!("{result}");
    Ok(())
}
