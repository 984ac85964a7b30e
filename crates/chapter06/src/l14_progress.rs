//! Listing 6.14 — Progress from pool workers, reported by an async task.
//!
//! The MapReduce of 6.8 over the Ngram file, with the book's progress
//! counter: the pool's initializer hands every worker process a shared
//! counter, and each map operation (one partition of the file, read and
//! mapped by a worker process) bumps it when done. While the main task
//! awaits the map, a reporter reads the counter every half second and
//! prints `Finished 120/743 map operations` when it changed (the book
//! prints every second regardless); once everything is in, the partial
//! results are merged and the final count printed. The merged counts and
//! fingerprint must equal 6.7's. `--lines N` sets the file's size, as in
//! 6.7; workers read their own byte range, so no partition crosses a pipe.
//!
//! Run: cargo run -p chapter06 -- 6.14

use std::sync::atomic::Ordering::SeqCst;
use std::time::Duration;

use futures::future::join_all;
use shared_util::Ctx;

use crate::ngram::{
    Frequencies, PARTITION_BYTES, ensure_file, lines_from, merge_dictionaries, partition, report,
};
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

/// A worker's answer, `word count word count ...`, as frequencies.
fn parse_partial(answer: &str) -> anyhow::Result<Frequencies> {
    let mut fields = answer.split_whitespace();
    let mut frequencies = Frequencies::new();
    while let (Some(word), Some(count)) = (fields.next(), fields.next()) {
        frequencies.insert(word.to_owned(), count.parse()?);
    }
    Ok(frequencies)
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let path = ensure_file(lines_from(ctx))?;
    let path_text = path
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("a non-UTF-8 temp path"))?;
    let text = tokio::fs::read_to_string(&path).await?;
    let partitions = partition(&text, PARTITION_BYTES);
    drop(text);
    let total = partitions.len() as u64;

    let progress = SharedMemory::create(1)?;
    let pool = ProcessPool::new(ctx.limit_or(default_size()), &[progress.path()])?;
    let map_operations = join_all(partitions.iter().map(|range| {
        pool.submit(format!(
            "map-file {path_text} {} {}",
            range.start, range.end
        ))
    }));
    // The reporter runs until the map is done, then is dropped (cancelled).
    let answers = tokio::select! {
        answers = map_operations => answers,
        () = progress_reporter(&progress, total) => unreachable!("the reporter never ends"),
    };
    println!(
        "Finished {}/{total} map operations",
        progress.slots()[0].load(SeqCst)
    );
    let mut final_result = Frequencies::new();
    for answer in answers {
        final_result = merge_dictionaries(final_result, parse_partial(&answer?)?);
    }
    report(&final_result);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_partial_answer_parses_back() {
        let parsed = super::parse_partial("cat 5 dog 6 ").unwrap();
        assert_eq!(parsed["cat"], 5);
        assert_eq!(parsed["dog"], 6);
        assert_eq!(parsed.len(), 2);
    }
}
