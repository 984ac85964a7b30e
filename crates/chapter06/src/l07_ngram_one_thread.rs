//! Listing 6.7 — Word frequencies of a large Ngram file, on one thread.
//!
//! The file has the Google Books 1-gram format and is generated locally from
//! a fixed seed (src/ngram.rs), then cached in the temp dir. As in the book,
//! the file is read first and only the counting is timed. `--lines N` sets
//! the number of lines (40 M by default); 6.8 and 6.9 must print the same
//! counts and fingerprint.
//!
//! Run: cargo run --release -p chapter06 -- 6.7

use shared_util::timing::Stopwatch;
use shared_util::{Ctx, secs};

use crate::ngram::{ensure_file, lines_from, map_frequencies, report};

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let path = ensure_file(lines_from(ctx))?;
    let text = std::fs::read_to_string(path)?;

    let start = Stopwatch::start();
    let frequencies = map_frequencies(&text);
    let took = start.elapsed();

    report(&frequencies);
    println!("Counting on one thread took {} seconds", secs(took));
    Ok(())
}
