//! Listing 2.18 — Two CPU-bound tasks run one after the other.
//!
//! On the current-thread runtime (asyncio's model) a task that never
//! awaits holds the only thread until it returns, so the second count starts
//! when the first ends: main takes the sum. Rust's reason is not a GIL —
//! there is none — but that one thread is all this runtime has. Try
//! `--runtime multi-thread`: the two tasks then run in parallel on two
//! worker threads. `--timeline` draws two busy bars end to end; `--debug`
//! flags each long poll. Each task counts as far as this machine gets in
//! about a second (the book's 100 million, sized by time so a debug and a
//! release build tell the same story); `--count N` fixes the count.
//!
//! Run: cargo run -p chapter02 -- 2.18 --timeline

use shared_util::cpu::count_to;
use shared_util::{Ctx, async_timed};

#[async_timed]
async fn cpu_bound_work(count: u64) -> u64 {
    // No .await anywhere: once polled, this runs to the end.
    count_to(count)
}

#[async_timed]
async fn main(count: u64) -> anyhow::Result<()> {
    let task_one = tokio::spawn(cpu_bound_work(count));
    let task_two = tokio::spawn(cpu_bound_work(count));

    task_one.await?;
    task_two.await?;
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let work = ctx.cpu_work(shared_util::cpu::BOOK_COUNT_SECONDS);
    println!("each task is {work}");
    main(work.count).await?;
    match ctx.worker_threads() {
        1 => println!("one thread: the second count waited for the first"),
        n => println!("{n} worker threads: the two counts could run at the same time"),
    }
    Ok(())
}
