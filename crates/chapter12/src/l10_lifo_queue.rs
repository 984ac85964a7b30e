//! Listing 12.10 — A LIFO queue: the last item in is the first out.
//!
//! Listing 12.9's items in a [`LifoQueue`], a stack: they come out in the
//! reverse of the order they went in, whatever their priority. It has the
//! same interface as the other queues (`put`, `get`, `task_done`, `join`);
//! only the store behind it differs, a `Vec` pushed and popped at the end.
//!
//! Run: cargo run -p chapter12 -- 12.10

use std::sync::Arc;
use std::time::Duration;

use shared_util::Ctx;

use crate::l09_tie_breaking::WorkItem;
use crate::queue::LifoQueue;

async fn worker(queue: Arc<LifoQueue<WorkItem>>) -> anyhow::Result<()> {
    while !queue.empty() {
        let work_item = queue.get().await;
        println!("Processing work item {work_item:?}");
        queue.task_done()?;
    }
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let lifo_queue = Arc::new(LifoQueue::new(0));
    let worker_task = tokio::spawn(worker(lifo_queue.clone()));
    let work_items = [
        WorkItem {
            priority: 3,
            order: 1,
            data: "Lowest priority first",
        },
        WorkItem {
            priority: 3,
            order: 2,
            data: "Lowest priority second",
        },
        WorkItem {
            priority: 3,
            order: 3,
            data: "Lowest priority third",
        },
        WorkItem {
            priority: 2,
            order: 4,
            data: "Medium priority",
        },
        WorkItem {
            priority: 1,
            order: 5,
            data: "High priority",
        },
    ];
    for work in work_items {
        lifo_queue.put_nowait(work)?;
    }
    let everything = async { tokio::join!(lifo_queue.join(), worker_task).1 };
    tokio::time::timeout(Duration::from_secs(5), everything)
        .await
        .map_err(|_| anyhow::anyhow!("the worker left early: items were never processed"))???;
    Ok(())
}
