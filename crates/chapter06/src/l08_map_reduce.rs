//! Listing 6.8 — MapReduce: a parallel map over partitions, then a merge.
//!
//! The book partitions the file into chunks of 60,000 lines (here 1 MiB,
//! about 54,000 lines), maps each chunk in a process pool through
//! `run_in_executor`, gathers, and merges. Rust
//! needs no processes for this (no GIL): each partition is mapped on
//! rayon's thread pool and its result comes back through a oneshot channel,
//! so the async code awaits without blocking its thread. `--lines N` sets
//! the number of lines, as in 6.7.
//!
//! Run: cargo run --release -p chapter06 -- 6.8

use std::sync::Arc;

use futures::future::join_all;
use shared_util::timing::Stopwatch;
use shared_util::{Ctx, secs};

use crate::ngram::{
    PARTITION_BYTES, lines_from, map_frequencies, merge_dictionaries, on_rayon, partition,
    read_shared, report,
};

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let lines = lines_from(ctx);
    // Reading a large file blocks, so it happens on a blocking thread.
    let text = read_shared(lines).await?;

    let start = Stopwatch::start();
    let tasks = partition(&text, PARTITION_BYTES).into_iter().map(|range| {
        let text = Arc::clone(&text);
        on_rayon(move || map_frequencies(&text[range]))
    });
    let mapped = join_all(tasks)
        .await
        .into_iter()
        .collect::<anyhow::Result<Vec<_>>>()?;
    let partitions = mapped.len();
    let final_result = mapped
        .into_iter()
        .fold(Default::default(), merge_dictionaries);
    let took = start.elapsed();

    report(&final_result);
    println!(
        "MapReduce over {partitions} partitions took {} seconds",
        secs(took)
    );
    Ok(())
}
