//! Listing 7.8 — A counter the pool's threads share, and an async reporter.
//!
//! Every pool thread adds one to a `Mutex<usize>` after its request; a task
//! on the runtime prints the count every 500 ms until it reaches the total.
//! Rust will not compile unsynchronised sharing, so the lock is not
//! optional; for a lone counter an `AtomicUsize` would do as well (one
//! indivisible `fetch_add`, no lock), but the mutex is the book's lesson.
//! Requests go to `/delay/50` so the progress has something to show.
//!
//! Run: cargo run -p chapter07 -- 7.8

use std::sync::{Arc, Mutex};
use std::time::Duration;

use shared_util::Ctx;
use tokio::sync::oneshot;

use crate::gets::{get_status_code, summary};
use crate::pools::{python_pool_size, thread_pool};

async fn reporter(counter: Arc<Mutex<usize>>, request_count: usize) {
    loop {
        let done = *counter.lock().expect("no thread panics holding it");
        println!("Finished {done}/{request_count} requests");
        if done >= request_count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let request_count = ctx.requests_or(200);
    let url = ctx.url_for("/delay/50")?;
    let pool = thread_pool(python_pool_size())?;
    let counter = Arc::new(Mutex::new(0usize));
    let reporter_task = tokio::spawn(reporter(Arc::clone(&counter), request_count));

    let tasks = (0..request_count).map(|_| {
        let (url, counter) = (url.clone(), Arc::clone(&counter));
        let (sender, receiver) = oneshot::channel();
        pool.spawn(move || {
            let status = get_status_code(&url);
            *counter.lock().expect("no thread panics holding it") += 1;
            let _ = sender.send(status);
        });
        receiver
    });
    let results = futures::future::join_all(tasks).await;
    reporter_task.await?;
    let codes = results
        .into_iter()
        .map(|r| r?)
        .collect::<anyhow::Result<Vec<u16>>>()?;
    println!("{}", summary(&codes));
    Ok(())
}
