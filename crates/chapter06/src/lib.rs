//! Chapter 6 — Handling CPU-bound work, in Rust.
//!
//! Python needs processes for CPU-bound work because of the GIL; Rust does
//! not, and this chapter shows both answers: real worker processes (this
//! binary re-executed, fed jobs over pipes) where the book uses
//! `multiprocessing`, and rayon threads where Rust would normally go. Then
//! MapReduce on a generated Ngram file, and memory shared between
//! processes: races, atomics, pool initializers and progress reporting.
//! Run `cargo run -p chapter06 -- list` to see the listings.
//!
//! `process`, `pool`, `shared`, `ngram` and `workers` hold what several
//! listings share; every other module is one listing.

pub mod ngram;
pub mod pool;
pub mod process;
mod queries;
pub mod shared;
mod workers;

mod l01_two_processes;
mod l02_pool_apply;
mod l03_pool_apply_async;
mod l04_pool_map;
mod l05_pool_from_async;
mod l06_word_frequencies;
mod l07_ngram_one_thread;
mod l08_map_reduce;
mod l09_parallel_reduce;
mod l10_shared_value_array;
mod l11_race;
mod l12_atomic_add;
mod l13_pool_initializer;
mod l14_progress;
mod l15_processes_querying;

pub use l11_race::misses;

use runner::Flag;
use runner::Set;
use runner::listing;
use runner::{Chapter, ChapterOptions};

/// The chapter's listings, in the book's order.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 6,
    title: "Handling CPU-bound work",
    listings: &[
        listing!(sync "6.1", l01_two_processes, "Two child processes count to 100 M and 200 M in parallel").takes(&[Flag::Count, Flag::Scale]),
        listing!(sync "6.2", l02_pool_apply, "A process pool's blocking apply").takes(&[Flag::Limit]),
        listing!(sync "6.3", l03_pool_apply_async, "apply_async: both jobs start at once").takes(&[Flag::Limit]),
        listing!(sync "6.4", l04_pool_map, "map: results in input order, small counts wait for a big one").takes(&[Flag::Count, Flag::Scale, Flag::Limit]),
        listing!("6.5", l05_pool_from_async, "The pool from async code: gather, then as-completed").takes(&[Flag::Count, Flag::Scale, Flag::Limit]),
        listing!(sync "6.6", l06_word_frequencies, "Word frequencies of four lines: map, then merge"),
        listing!(sync "6.7", l07_ngram_one_thread, "Word frequencies of a large Ngram file on one thread"),
        listing!("6.8", l08_map_reduce, "MapReduce: parallel map over partitions, then merge"),
        listing!("6.9", l09_parallel_reduce, "MapReduce with a parallel tree reduce"),
        listing!(sync "6.10", l10_shared_value_array, "A shared value and array, each changed by its own process"),
        listing!(sync "6.11", l11_race, "Two processes race on one shared integer, 100 times (--widen: hold the window open)").takes(&[Flag::Rounds]),
        listing!(sync "6.12", l12_atomic_add, "The same with a lock, then an atomic add: always 2").takes(&[Flag::Rounds]),
        listing!("6.13", l13_pool_initializer, "Pool workers initialised with a shared counter").takes(&[Flag::Rounds, Flag::Limit]),
        listing!("6.14", l14_progress, "Progress from pool workers, reported by an async task").takes(&[Flag::Limit]),
        listing!(sync "6.15", l15_processes_querying, "Chapter 5's queries in several processes, each with its own runtime and pool").takes(&[Flag::DatabaseUrl]),
    ],
    sets: &[Set {
        name: "processes",
        about: "counts to 100 M and 200 M in two processes, one after the other vs at the same time",
        entries: &["6.1 --sequential", "6.1"],
        flags: &[],
        python: &["count.py", "count.py --processes"],
        load: &[],
        python_flags: &["--count"],
        goal: "",
        after: None,
        scaling: None,
    }, Set {
        name: "mapreduce",
        about: "word counts on one thread vs a parallel map vs a parallel tree reduce",
        entries: &["6.7", "6.8", "6.9"],
        flags: &[],
        python: &["wordcount.py", "wordcount.py --processes 2"],
        load: &[],
        python_flags: &["--lines"],
        goal: "",
        after: None,
        scaling: None,
    }],
    workers: workers::WORKERS,
    tools: &[],
    options: ChapterOptions::of::<Options>(),
};

/// Options of this chapter's listings, read with `ctx.options::<Options>()`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// 6.7-6.9: lines of the generated Ngram file, at most 100000000 (~780 MB at the default).
    #[arg(long, value_name = "N", default_value_t = ngram::DEFAULT_LINES, allow_negative_numbers = true,
          value_parser = runner::whole_number::<u64>(1, Some(ngram::MAX_LINES)))]
    pub lines: u64,
    /// 6.1: run the two counting processes one after the other (for `compare processes`).
    #[arg(long)]
    pub sequential: bool,
    /// 6.15: product queries each process makes.
    #[arg(long, value_name = "N", default_value_t = 10_000, allow_negative_numbers = true,
          value_parser = runner::whole_number::<usize>(1, Some(10_000_000)))]
    pub queries: usize,
    /// 6.15: extra CPU work each query costs its client, in microseconds, as
    /// a driver that decodes rows in Python spends it: makes one process's
    /// thread the limit, so several processes help (the book's case).
    #[arg(long, value_name = "US", default_value_t = 0,
          value_parser = runner::whole_number::<u64>(0, Some(1_000_000)))]
    pub client_cpu_us: u64,
    /// 6.15: how many processes query at once.
    #[arg(long, value_name = "N", default_value_t = 5, allow_negative_numbers = true,
          value_parser = runner::whole_number::<usize>(1, Some(12)))]
    pub processes: usize,
    /// 6.11: hold the race window open (count between the read and the write).
    #[arg(long)]
    pub widen: bool,
}
