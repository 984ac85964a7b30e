//! Listing 6.9 — MapReduce with a parallel tree reduce.
//!
//! Merging hundreds of dictionaries one by one is sequential work. The book
//! reduces them in parallel instead: split the mapped results into chunks,
//! merge each chunk in the pool, and repeat on the merged results until one
//! is left. Same here, on rayon threads, each round awaited through oneshot
//! channels. `--lines N` sets the number of lines, as in 6.7.
//!
//! Run: cargo run --release -p chapter06 -- 6.9

use std::sync::Arc;

use futures::future::join_all;
use shared_util::timing::Stopwatch;
use shared_util::{Ctx, secs};

use crate::ngram::{
    Frequencies, PARTITION_BYTES, lines_from, map_frequencies, merge_dictionaries, on_rayon,
    partition, read_shared, report,
};

/// How many dictionaries one reduce job merges.
const CHUNK: usize = 4;

async fn reduce(mut results: Vec<Frequencies>) -> anyhow::Result<Frequencies> {
    while results.len() > 1 {
        let before = results.len();
        let mut chunks = Vec::new();
        while !results.is_empty() {
            let chunk: Vec<Frequencies> = results.drain(..CHUNK.min(results.len())).collect();
            chunks.push(on_rayon(move || {
                chunk
                    .into_iter()
                    .fold(Frequencies::new(), merge_dictionaries)
            }));
        }
        results = join_all(chunks)
            .await
            .into_iter()
            .collect::<anyhow::Result<_>>()?;
        println!("reduce round: {before} dictionaries -> {}", results.len());
    }
    Ok(results.pop().unwrap_or_default())
}

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
    let final_result = reduce(mapped).await?;
    let took = start.elapsed();

    report(&final_result);
    println!(
        "MapReduce with a parallel reduce took {} seconds",
        secs(took)
    );
    Ok(())
}
