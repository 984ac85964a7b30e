//! Listing 11.1 — 100 tasks bump a shared counter with no await in between: always 100.
//!
//! asyncio runs one task at a time, so `counter += 1` with no `await` inside
//! cannot be interrupted. Here too: the tasks run on one thread (`spawn_local`
//! on a `LocalSet`) and share a plain `Rc<Cell<u32>>`, the honest equivalent
//! of the book's module-level integer. What Rust adds: try `tokio::spawn`
//! with this counter and the compiler refuses it — on any runtime, the
//! current-thread one included, because `tokio::spawn` requires a `Send`
//! future and `Rc` is not `Send`. Only `spawn_local` takes it; across threads
//! you need `Arc` plus an atomic or a lock.
//!
//! Run: cargo run -p chapter11 -- 11.1

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use shared_util::Ctx;
use tokio::task::LocalSet;

async fn increment(counter: Rc<Cell<u32>>) {
    tokio::time::sleep(Duration::from_millis(10)).await;
    // Read, add, write back, with no await in between: nothing can cut in.
    counter.set(counter.get() + 1);
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let rounds = ctx.rounds_or(1000);
    let counter = Rc::new(Cell::new(0));
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
                anyhow::ensure!(counter.get() == 100, "expected 100, got {}", counter.get());
                counter.set(0);
            }
            Ok(())
        })
        .await
}
