//! Listing 6.5 — The process pool from async code.
//!
//! `submit` returns a `Pending` that is also a future: awaiting it parks the
//! task, not the thread (the answer comes through a oneshot channel), so
//! `join_all` is asyncio's `gather` over `run_in_executor`. Gather returns
//! results in input order; `FuturesUnordered` is `as_completed` and yields
//! the small counts before the big one. The big count is sized to about a
//! second on this machine; `--count N` fixes it.
//!
//! Run: cargo run -p chapter06 -- 6.5

use futures::StreamExt as _;
use futures::future::join_all;
use futures::stream::FuturesUnordered;
use shared_util::Ctx;

use crate::pool::{ProcessPool, default_size};

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let work = ctx.cpu_work(shared_util::cpu::BOOK_COUNT_SECONDS);
    println!("the big job is {work}");
    let nums = [1, 3, 5, 22, work.count];
    let process_pool = ProcessPool::new(ctx.limit_or(default_size()), &[])?;

    println!("gather:");
    let calls = nums.map(|n| process_pool.submit(format!("count {n}")));
    let results = join_all(calls).await;
    for result in results {
        println!("{}", result?);
    }

    println!("as completed:");
    let mut calls: FuturesUnordered<_> = nums
        .iter()
        .rev()
        .map(|n| process_pool.submit(format!("count {n}")))
        .collect();
    while let Some(result) = calls.next().await {
        println!("{}", result?);
    }
    Ok(())
}
