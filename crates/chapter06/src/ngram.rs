//! Word frequencies over a Google Books Ngram-style file, for 6.6–6.9.
//!
//! The book downloads one file of the Ngram 1-grams (1.8 GB, lines of
//! `word<TAB>year<TAB>match_count<TAB>volume_count`). This module writes a
//! file in the same format instead, from a seeded generator, so every run on
//! every machine counts the same words. It is cached in the temp dir under a
//! name that includes the line count: reruns read it instead of regenerating.

use std::collections::HashMap;
use std::io::{BufWriter, Write as _};
use std::ops::Range;
use std::path::PathBuf;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

/// Word → total matches.
pub type Frequencies = HashMap<String, u64>;

/// Lines in the default file (about 780 MB): enough for the single-threaded
/// count to take a few seconds in a release build (about ten times longer
/// in a debug build). `--lines N` picks another size.
pub const DEFAULT_LINES: u64 = 40_000_000;

/// The largest file `--lines` may ask for: about 1.9 GB, the size of the
/// book's download. Anything bigger could fill the temp dir's disk.
pub const MAX_LINES: u64 = 100_000_000;

/// `--lines`, or the default.
pub fn lines_from(ctx: &shared_util::Ctx) -> u64 {
    ctx.options::<crate::Options>().lines
}

/// The size of one map operation's partition: 1 MiB, about 54,000 lines,
/// close to the book's 60,000 lines.
pub const PARTITION_BYTES: usize = 1 << 20;

const SYLLABLES: &[&str] = &[
    "a", "ab", "ac", "al", "an", "ar", "ba", "be", "ca", "co", "da", "de", "el", "en", "er", "fa",
    "ga", "ho", "in", "is", "ka", "la", "le", "ma", "mo", "na", "ne", "or", "pa", "ra", "re", "sa",
    "se", "ta", "te", "th", "ti", "to", "un", "va", "ve", "wa", "xe", "yo", "za",
];

/// The path of the file with `lines` lines, generating it first if needed.
/// Says which happened.
pub fn ensure_file(lines: u64) -> anyhow::Result<PathBuf> {
    if !(1..=MAX_LINES).contains(&lines) {
        return Err(shared_util::usage(format!(
            "--lines must be 1..={MAX_LINES} (got {lines}): the file takes about 20 bytes a line"
        )));
    }
    let path = std::env::temp_dir().join(format!("chapter06-ngrams-v1-{lines}.tsv"));
    if path.exists() {
        println!(
            "using the cached Ngram file {} ({lines} lines; remove it with `rm {0}`)",
            path.display()
        );
        return Ok(path);
    }
    // Write under a private name, then rename: a half-written file is never
    // mistaken for a cached one, even with two runs at once.
    let partial = path.with_extension(format!("{}.partial", std::process::id()));
    println!(
        "generating an Ngram-style file of {lines} lines (about {} MB) at {}",
        lines * 20 / 1_000_000,
        path.display()
    );
    println!(
        "  (the book downloads Google's 1.8 GB file; this one is written from a fixed seed, once, and kept for later runs)"
    );
    // Ctrl-C or SIGTERM while writing removes it; runs that died earlier
    // (SIGKILL) left theirs, named by their pid: swept now.
    let _removed_on_signal = shared_util::signals::remove_on_signal(&partial);
    shared_util::signals::sweep_dead("chapter06-ngrams-", partial_pid);
    if let Err(error) = generate(&partial, lines) {
        let _ = std::fs::remove_file(&partial);
        return Err(error.context(format!("could not write {}", partial.display())));
    }
    std::fs::rename(&partial, &path)?;
    println!(
        "generated the Ngram file {} ({lines} lines); it stays for 6.7-6.9 and 6.14: remove it with `rm {0}`",
        path.display()
    );
    Ok(path)
}

/// The pid in `chapter06-ngrams-v1-LINES.PID.partial`.
fn partial_pid(name: &str) -> Option<u32> {
    name.strip_suffix(".partial")?
        .rsplit('.')
        .next()?
        .parse()
        .ok()
}

fn generate(path: &std::path::Path, lines: u64) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(2022);
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut written = 0;
    let mut word = String::from("Aardvark");
    let progress = shared_util::progress::bar(lines, "lines written");
    while written < lines {
        // Like the real file: one line per year in which the word appeared.
        let years = rng.random_range(1..=200).min(lines - written);
        let first_year = rng.random_range(1800..=2008 - 199);
        for year in first_year..first_year + years {
            let matches: u64 = rng.random_range(1..=1_000);
            let volumes = rng.random_range(1..=matches);
            writeln!(out, "{word}\t{year}\t{matches}\t{volumes}")?;
        }
        written += years;
        progress.inc(years);
        word.clear();
        for _ in 0..rng.random_range(2..=4) {
            word.push_str(SYLLABLES[rng.random_range(0..SYLLABLES.len())]);
        }
    }
    out.flush()?;
    progress.finish_and_clear();
    Ok(())
}

/// The map step: total matches per word in some lines of the file.
pub fn map_frequencies(text: &str) -> Frequencies {
    let mut frequencies = Frequencies::new();
    for line in text.lines() {
        let mut fields = line.split('\t');
        let (Some(word), Some(_year), Some(count)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let count: u64 = count.parse().unwrap_or(0);
        // Look up by &str first: no String is allocated for a known word.
        match frequencies.get_mut(word) {
            Some(total) => *total += count,
            None => {
                frequencies.insert(word.to_owned(), count);
            }
        }
    }
    frequencies
}

/// The reduce step: adds `second`'s counts into `first`.
pub fn merge_dictionaries(mut first: Frequencies, second: Frequencies) -> Frequencies {
    if first.len() < second.len() {
        return merge_dictionaries(second, first);
    }
    for (word, count) in second {
        *first.entry(word).or_insert(0) += count;
    }
    first
}

/// Byte ranges of `text`, about `bytes_each` long, cut after a newline so
/// every line falls wholly in one range. Finding the cuts looks at one spot
/// per range, not at every byte: the work stays in the parallel map.
pub fn partition(text: &str, bytes_each: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end = match text.as_bytes().get(start + bytes_each.max(1)..) {
            Some(rest) => rest
                .iter()
                .position(|&byte| byte == b'\n')
                .map_or(text.len(), |at| start + bytes_each.max(1) + at + 1),
            None => text.len(),
        };
        ranges.push(start..end);
        start = end;
    }
    ranges
}

/// Prints what the three versions must agree on: the book's Aardvark line,
/// and a fingerprint of every (word, count) pair, so "identical counts" is
/// checked for the whole map, not one word.
pub fn report(frequencies: &Frequencies) {
    println!(
        "Aardvark has appeared {} times.",
        frequencies.get("Aardvark").copied().unwrap_or(0)
    );
    let mut pairs: Vec<(&String, &u64)> = frequencies.iter().collect();
    pairs.sort_unstable();
    // FNV-1a over the sorted pairs.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (word, count) in &pairs {
        for byte in word.bytes().chain(count.to_le_bytes()) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let total: u64 = frequencies.values().sum();
    println!(
        "{} distinct words, {total} matches (fingerprint {hash:016x})",
        pairs.len()
    );
}

/// Runs `job` on rayon's thread pool and hands its result back through a
/// oneshot channel: awaiting it blocks no runtime thread.
pub async fn on_rayon<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        let _ = sender.send(job());
    });
    receiver
        .await
        .map_err(|_| anyhow::anyhow!("a rayon job panicked"))
}

/// The Ngram file of `lines` lines (generated on first use), read on a
/// blocking thread so the runtime stays free, shared between map tasks.
///
/// An `Arc<String>`, not an `Arc<str>`: turning the `String` into an
/// `Arc<str>` would copy the whole file into a new allocation (doubling
/// the peak memory and adding a second pass over hundreds of megabytes);
/// `Arc::new` only moves the `String`'s pointer.
pub async fn read_shared(lines: u64) -> anyhow::Result<std::sync::Arc<String>> {
    tokio::task::spawn_blocking(move || {
        anyhow::Ok(std::sync::Arc::new(std::fs::read_to_string(ensure_file(
            lines,
        )?)?))
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_then_merge_adds_counts() {
        let a = map_frequencies("cat\t1900\t2\t1\ndog\t1900\t5\t1\ncat\t1901\t3\t1\n");
        let b = map_frequencies("dog\t1902\t1\t1\n");
        let merged = merge_dictionaries(a, b);
        assert_eq!(merged["cat"], 5);
        assert_eq!(merged["dog"], 6);
    }

    #[test]
    fn partitions_cover_the_text_on_line_boundaries() {
        let text = "a\t1\t1\t1\nb\t1\t1\t1\nc\t1\t1\t1\n";
        // 10 bytes in, the next newline ends the first range.
        assert_eq!(partition(text, 10), vec![0..16, 16..24]);
        assert_eq!(partition(text, 100), vec![0..24]);
        assert_eq!(partition("x\t1\t1\t1", 2), vec![0..7]);
        assert!(partition("", 10).is_empty());
    }
}
