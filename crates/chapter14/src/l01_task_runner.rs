//! Listing 14.1 — A task runner that takes async fns, futures and plain functions alike.
//!
//! Python asks at run time `iscoroutinefunction(task)` / `iscoroutine(task)`.
//! Rust has no such question to ask: an `async fn` item, a future and a plain
//! `fn` are different types, so the caller wraps each in a [`Work`] variant
//! and the type checker keeps them apart. Plain functions run on the next
//! turn of the scheduler, like `loop.call_soon`: a task that calls them.
//! `spawn_local` on a `LocalSet` plays `create_task`, so nothing needs `Send`.
//!
//! Run: cargo run -p chapter14 -- 14.1

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use shared_util::Ctx;
use tokio::task::LocalSet;

type LocalFuture = Pin<Box<dyn Future<Output = ()>>>;

/// One piece of work the runner accepts.
pub enum Work {
    /// An async function, not yet called (`coroutine_function`).
    AsyncFn(fn() -> LocalFuture),
    /// A future already made (`coroutine_function()`).
    Future(LocalFuture),
    /// A plain function (`regular_function`).
    Plain(fn()),
}

#[derive(Default)]
struct TaskRunner {
    tasks: Vec<Work>,
}

impl TaskRunner {
    fn add_task(&mut self, work: Work) {
        self.tasks.push(work);
    }

    async fn run_all(self) {
        let mut awaitable_tasks = Vec::new();
        for task in self.tasks {
            match task {
                Work::AsyncFn(function) => {
                    awaitable_tasks.push(tokio::task::spawn_local(function()))
                }
                Work::Future(future) => awaitable_tasks.push(tokio::task::spawn_local(future)),
                // call_soon: queued behind the tasks above, not awaited.
                Work::Plain(function) => drop(tokio::task::spawn_local(async move { function() })),
            }
        }
        for task in awaitable_tasks {
            task.await.expect("the tasks do not panic");
        }
    }

    async fn run(self) {
        LocalSet::new().run_until(self.run_all()).await;
    }
}

fn regular_function() {
    println!("Hello from a regular function!");
}

async fn coroutine_function() {
    println!("Running coroutine, sleeping!");
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!("Finished sleeping!");
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut runner = TaskRunner::default();
    runner.add_task(Work::AsyncFn(|| Box::pin(coroutine_function())));
    runner.add_task(Work::Future(Box::pin(coroutine_function())));
    runner.add_task(Work::Plain(regular_function));
    shared_util::timed("runner.run()", runner.run()).await;
    Ok(())
}
