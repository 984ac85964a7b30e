//! Listing 12.9 — Ties broken by arrival order.
//!
//! Each item also carries the order it was put in, and compares by
//! `(priority, order)`: equal priorities now come out first come, first
//! served. Comparing a tuple of the two fields is the Rust spelling of a
//! dataclass whose first two fields take part in the order; the payload
//! still does not.
//!
//! Run: cargo run -p chapter12 -- 12.9

use std::cmp::Ordering;
use std::sync::Arc;
use std::time::Duration;

use shared_util::Ctx;

use crate::queue::PriorityQueue;

#[derive(Debug)]
pub struct WorkItem {
    pub priority: u32,
    pub order: u32,
    #[allow(dead_code)] // read by `Debug` only, when the item is printed
    pub data: &'static str,
}

impl Ord for WorkItem {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.priority, self.order).cmp(&(other.priority, other.order))
    }
}
impl PartialOrd for WorkItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for WorkItem {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for WorkItem {}

async fn worker(queue: Arc<PriorityQueue<WorkItem>>) -> anyhow::Result<()> {
    while !queue.empty() {
        let work_item = queue.get().await;
        println!("Processing work item {work_item:?}");
        queue.task_done()?;
    }
    Ok(())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let priority_queue = Arc::new(PriorityQueue::new(0));
    let worker_task = tokio::spawn(worker(priority_queue.clone()));
    let work_items = [
        WorkItem {
            priority: 3,
            order: 1,
            data: "Lowest priority",
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
        priority_queue.put_nowait(work)?;
    }
    let everything = async { tokio::join!(priority_queue.join(), worker_task).1 };
    tokio::time::timeout(Duration::from_secs(5), everything)
        .await
        .map_err(|_| anyhow::anyhow!("the worker left early: items were never processed"))???;
    Ok(())
}
