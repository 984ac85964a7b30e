//! Listing 12.5 — A priority queue: items come out smallest first.
//!
//! Three `(priority, text)` tuples go into a [`PriorityQueue`] in the
//! order 3, 2, 1; one worker takes them out 1, 2, 3. Tuples compare
//! field by field in Rust too (derived `Ord`), so the priority decides.
//! Rust's `BinaryHeap` gives the largest first; the queue wraps items in
//! `Reverse` to behave like Python's `heapq`, smallest first.
//!
//! Run: cargo run -p chapter12 -- 12.5

use std::sync::Arc;
use std::time::Duration;

use shared_util::Ctx;

use crate::queue::PriorityQueue;

async fn worker(queue: Arc<PriorityQueue<(u32, &'static str)>>) -> anyhow::Result<()> {
    while !queue.empty() {
        let work_item = queue.get().await;
        println!("Processing work item {work_item:?}");
        queue.task_done()?;
    }
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let priority_queue = Arc::new(PriorityQueue::new(0));
    let work_items = [
        (3, "Lowest priority"),
        (2, "Medium priority"),
        (1, "High priority"),
    ];

    // Spawned first, as in the book, but it runs only once `run` awaits.
    let worker_task = tokio::spawn(worker(priority_queue.clone()));
    for work in work_items {
        priority_queue.put_nowait(work)?;
    }

    let everything = async { tokio::join!(priority_queue.join(), worker_task).1 };
    tokio::time::timeout(Duration::from_secs(5), everything)
        .await
        .map_err(|_| anyhow::anyhow!("the worker left early: items were never processed"))???;
    Ok(())
}
