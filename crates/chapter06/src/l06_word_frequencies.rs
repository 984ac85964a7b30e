//! Listing 6.6 — Word frequencies of four lines: map, then merge.
//!
//! MapReduce in miniature: count the words of each line on its own (map),
//! then fold the per-line counts into one (reduce, the book's
//! `functools.reduce(merge_dictionaries, ...)`). A `BTreeMap` prints in
//! sorted order, so the output is the same on every run; Python's dict
//! prints in insertion order instead.
//!
//! Run: cargo run -p chapter06 -- 6.6

use std::collections::BTreeMap;

use shared_util::Ctx;

fn map_frequency(text: &str) -> BTreeMap<&str, u64> {
    let mut frequencies = BTreeMap::new();
    for word in text.split(' ') {
        *frequencies.entry(word).or_insert(0) += 1;
    }
    frequencies
}

fn merge_dictionaries<'a>(
    mut first: BTreeMap<&'a str, u64>,
    second: BTreeMap<&'a str, u64>,
) -> BTreeMap<&'a str, u64> {
    for (word, count) in second {
        *first.entry(word).or_insert(0) += count;
    }
    first
}

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let lines = [
        "I know what I know",
        "I know that I know",
        "I don't know much",
        "They don't know much",
    ];

    let mapped_results: Vec<_> = lines.iter().map(|line| map_frequency(line)).collect();
    for result in &mapped_results {
        println!("{result:?}");
    }
    let merged = mapped_results
        .into_iter()
        .reduce(merge_dictionaries)
        .unwrap_or_default();
    println!("{merged:?}");
    Ok(())
}
