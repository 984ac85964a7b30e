//! Listing 11.2 — Read, await, write: every round ends at 1, not 100.
//!
//! Each task reads the counter, sleeps, then writes back what it read plus
//! one. All 100 read 0 before any of them writes, so the counter ends at 1:
//! a race with a single thread, because the state changed across an await.
//! The book stops at the first failed assert; this run finishes every round
//! and reports how many went wrong. Rust's borrow rules do not catch this
//! bug: a `Cell` read and a later `Cell` write are each fine on their own.
//!
//! Run: cargo run -p chapter11 -- 11.2

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use shared_util::Ctx;
use tokio::task::LocalSet;

async fn increment(counter: Rc<Cell<u32>>) {
    let temp_counter = counter.get() + 1;
    // Suspended here, other tasks read the same old value.
    tokio::time::sleep(Duration::from_millis(10)).await;
    counter.set(temp_counter);
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let rounds = ctx.rounds_or(1000);
    let counter = Rc::new(Cell::new(0));
    let mut wrong = 0;
    let mut endings = std::collections::BTreeSet::new();
    LocalSet::new()
        .run_until(async {
            for _ in 0..rounds {
                let tasks: Vec<_> = (0..100)
                    .map(|_| tokio::task::spawn_local(increment(counter.clone())))
                    .collect();
                for task in tasks {
                    task.await?;
                }
                println!("Counter is {}", counter.get());
                if counter.get() != 100 {
                    wrong += 1;
                    endings.insert(counter.get());
                }
                counter.set(0);
            }
            anyhow::Ok(())
        })
        .await?;
    // The book's `assert counter == 100` would have stopped at round one.
    let endings: Vec<String> = endings.iter().map(u32::to_string).collect();
    println!(
        "expected 100 in every round; {wrong} of {rounds} rounds ended at {} instead",
        endings.join(" or ")
    );
    Ok(())
}
