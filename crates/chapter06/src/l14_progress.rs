//! Listing 6.14 — Progress from pool workers, reported by an async task.
//!
//! Each map operation (a count to `--count N`, 500 M by default) ends by
//! bumping a shared counter, handed to the workers by the pool's
//! initializer. While the main task awaits the jobs, a reporter reads the
//! counter every half second and prints `Finished 3/10 map operations`
//! when it changed (the book prints every second regardless); once
//! everything is in, it prints the final count. `--rounds N` jobs.
//!
//! Run: cargo run --release -p chapter06 -- 6.14

use std::sync::atomic::Ordering::SeqCst;
use std::time::Duration;

use futures::future::join_all;
use shared_util::Ctx;

use crate::pool::{ProcessPool, default_size};
use crate::shared::SharedMemory;

async fn progress_reporter(progress: &SharedMemory, total: u64) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    let mut last = None;
    loop {
        tick.tick().await;
        // Only news is printed: a slow (debug) build would repeat each line.
        let finished = progress.slots()[0].load(SeqCst);
        if last != Some(finished) {
            println!("Finished {finished}/{total} map operations");
            last = Some(finished);
        }
    }
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let total = ctx.rounds_or(10);
    let count = ctx.count_or(500_000_000);
    let progress = SharedMemory::create(1)?;
    let pool = ProcessPool::new(ctx.limit_or(default_size()), &[progress.path()])?;

    let map_operations = join_all((0..total).map(|_| pool.submit(format!("map {count}"))));
    // The reporter runs until the map is done, then is dropped (cancelled).
    let results = tokio::select! {
        results = map_operations => results,
        () = progress_reporter(&progress, total) => unreachable!("the reporter never ends"),
    };
    for result in results {
        result?;
    }
    println!(
        "Finished {}/{total} map operations",
        progress.slots()[0].load(SeqCst)
    );
    Ok(())
}
