//! Listing 12.8 — Equal priorities come out in no fixed order.
//!
//! Listing 12.6's items, three of them with priority 3, put in as
//! "Lowest priority", "second", "third". A binary heap promises only that
//! the smallest comes first; among equals the order depends on how the
//! heap moved them around, not on when they came. For these five items
//! Rust's `BinaryHeap` and Python's `heapq` happen to agree (third, second,
//! first), but neither promises it, and neither keeps arrival order.
//!
//! Run: cargo run -p chapter12 -- 12.8

use shared_util::Ctx;

use crate::l06_ordered_items::{WorkItem, drain};

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    drain(vec![
        WorkItem {
            priority: 3,
            data: "Lowest priority",
        },
        WorkItem {
            priority: 3,
            data: "Lowest priority second",
        },
        WorkItem {
            priority: 3,
            data: "Lowest priority third",
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
