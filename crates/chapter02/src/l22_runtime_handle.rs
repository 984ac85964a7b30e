//! Listing 2.22 — The running runtime's handle, and a function run "soon".
//!
//! `tokio::runtime::Handle::current()` is `asyncio.get_running_loop()`, and
//! spawning a small task that calls a plain function is `loop.call_soon`:
//! it runs once the current task yields, here when `delay` starts sleeping.
//! Outside a runtime, `Handle::try_current()` returns an error, as
//! `get_running_loop` raises: Tokio has no global loop to create on demand.
//!
//! Run: cargo run -p chapter02 -- 2.22

use shared_util::{Ctx, delay};
use tokio::runtime::Handle;

fn call_later() {
    println!("I'm being called in the future!");
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let runtime = Handle::current();
    runtime.spawn(async { call_later() });
    delay(1).await;

    let outside = std::thread::spawn(|| Handle::try_current().map(|_| ()))
        .join()
        .expect("the thread does not panic");
    if let Err(error) = outside {
        println!("Handle::try_current() on a plain thread: {error}");
    }
    Ok(())
}
