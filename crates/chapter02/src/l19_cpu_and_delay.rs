//! Listing 2.19 — CPU-bound tasks hold up a delay task.
//!
//! The delay task is spawned third, so on one thread it cannot even start
//! its 4-second sleep until both counts are done: main takes both counts
//! plus 4 s. With `--runtime multi-thread` the counts run in parallel on the
//! worker threads and the delay starts as soon as a worker picks it up (at
//! once, or after one count, depending on which worker gets it; `--workers
//! 3` leaves one free): main takes far less. Rust has no GIL, so more threads
//! really do mean more CPU; asyncio would need a process pool (chapter 6).
//! Each count is sized to about a second on this machine (`--count N`
//! fixes it), so the delay is held up by whole seconds in any build.
//!
//! Run: cargo run -p chapter02 -- 2.19 --timeline

use shared_util::cpu::count_to;
use shared_util::{Ctx, async_timed, delay};

#[async_timed]
async fn cpu_bound_work(count: u64) -> u64 {
    count_to(count)
}

#[async_timed]
async fn main(count: u64) -> anyhow::Result<()> {
    let task_one = tokio::spawn(cpu_bound_work(count));
    let task_two = tokio::spawn(cpu_bound_work(count));
    let delay_task = tokio::spawn(delay(4));

    task_one.await?;
    task_two.await?;
    delay_task.await?;
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let work = ctx.cpu_work(shared_util::cpu::BOOK_COUNT_SECONDS);
    println!("each CPU-bound task is {work}");
    main(work.count).await?;
    match ctx.worker_threads() {
        1 => println!("one thread: the delay could not start until both counts had finished"),
        n => println!(
            "{n} worker threads: the counts ran in parallel and the delay did not wait for both"
        ),
    }
    Ok(())
}
