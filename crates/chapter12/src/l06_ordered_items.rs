//! Listing 12.6 — Priority items as structs that compare by priority only.
//!
//! A `WorkItem` with a priority and a payload. Python's
//! `@dataclass(order=True)` with `field(compare=False)` becomes a
//! hand-written `Ord` (and the `PartialOrd`, `PartialEq` and `Eq` that must
//! agree with it) that looks at the priority alone: `#[derive(Ord)]` would
//! compare the payload too, and a payload with no order would not compile.
//!
//! Run: cargo run -p chapter12 -- 12.6

use std::cmp::Ordering;
use std::sync::Arc;
use std::time::Duration;

use shared_util::Ctx;

use crate::queue::PriorityQueue;

#[derive(Debug)]
pub struct WorkItem {
    pub priority: u32,
    #[allow(dead_code)] // read by `Debug` only, when the item is printed
    pub data: &'static str,
}

impl Ord for WorkItem {
    fn cmp(&self, other: &Self) -> Ordering {
        self.priority.cmp(&other.priority) // `data` is not compared
    }
}
impl PartialOrd for WorkItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for WorkItem {
    fn eq(&self, other: &Self) -> bool {
        self.priority == other.priority
    }
}
impl Eq for WorkItem {}

/// Takes items out while there are any, printing each.
pub async fn worker(queue: Arc<PriorityQueue<WorkItem>>) -> anyhow::Result<()> {
    while !queue.empty() {
        let work_item = queue.get().await;
        println!("Processing work item {work_item:?}");
        queue.task_done()?;
    }
    Ok(())
}

/// Puts `work_items` on a priority queue and lets one worker drain it.
pub async fn drain(work_items: Vec<WorkItem>) -> anyhow::Result<()> {
    let priority_queue = Arc::new(PriorityQueue::new(0));
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

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    drain(vec![
        WorkItem {
            priority: 3,
            data: "Lowest priority",
        },
        WorkItem {
            priority: 2,
            data: "Medium priority",
        },
        WorkItem {
            priority: 1,
            data: "High priority",
        },
    ])
    .await
}
