//! Listing 2.23 — Debug mode flags a task that held the thread.
//!
//! `shared_util::debug::enable()` is `asyncio.run(main(), debug=True)`:
//! from now on, any timed or watched future whose single poll takes longer
//! than 100 ms is reported on stderr with its name and time. A Tokio task
//! holds the thread for exactly one poll, so "slow poll" is Tokio's "slow
//! callback". The runner's `--debug` flag turns the same mode on for any
//! listing; in production, tokio-console shows this and more. The count
//! is sized to about a second on this machine (`--count N` fixes it), so
//! the warning shows in a debug and a release build alike.
//!
//! Run: cargo run -p chapter02 -- 2.23

use shared_util::cpu::count_to;
use shared_util::{Ctx, async_timed, debug};

#[async_timed]
async fn cpu_bound_work(count: u64) -> u64 {
    count_to(count)
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    // Sized first: measuring this machine's speed takes a moment of CPU,
    // which debug mode would otherwise report.
    let work = ctx.cpu_work(shared_util::cpu::BOOK_COUNT_SECONDS);
    println!("the task is {work}");
    tokio::task::yield_now().await; // ends this poll before debug mode starts
    debug::enable();
    let task_one = tokio::spawn(cpu_bound_work(work.count));
    task_one.await?;
    Ok(())
}
