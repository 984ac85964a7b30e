//! Chapter 7 — Handling blocking work with threads, in Rust.
//!
//! Threads for blocking I/O: a thread per connection and a clean shutdown
//! (7.1–7.2), blocking HTTP calls on thread pools, alone and driven from
//! async code (7.3–7.8), locks that hang and how to detect and avoid it
//! (7.9–7.11a), a terminal UI whose thread drives a runtime on another
//! (7.13–7.15), and CPU work on threads — scrypt, SHA-256, row means —
//! where Python needs the GIL released and Rust has no GIL at all
//! (7.16–7.19). Run `cargo run -p chapter07 -- list`.

mod gets;
mod hashing;
mod pools;
mod serving;
pub mod stress_test;

mod l01_echo_threads;
mod l02_graceful_threads;
mod l03_blocking_get;
mod l04_thread_pool_gets;
mod l05_pool_from_async;
mod l06_default_executor;
mod l07_to_thread;
mod l08_locked_counter;
mod l09_recursive_relock;
mod l10_threadsafe_list;
mod l11_deadlock;
mod l11a_lock_order;
mod l12_hello_button;
mod l13_load_tester;
mod l16_scrypt_sequential;
mod l17_scrypt_pool;
pub mod l17a_sha256;
mod l18_row_means;
mod l19_row_means_pool;

use runner::Flag;
use runner::Set;
use runner::listing;
use runner::{Chapter, ChapterOptions, Scaling, Share};

/// The chapter's listings, in the book's order.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 7,
    title: "Handling blocking work with threads",
    listings: &[
        listing!(sync "7.1", l01_echo_threads, "An echo server with a thread per connection").server(),
        listing!(sync "7.2", l02_graceful_threads, "Shutting it down cleanly: every client hears \"Shutting down!\"").server(),
        listing!(sync "7.3", l03_blocking_get, "A blocking GET, twice").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!(sync "7.4", l04_thread_pool_gets, "1000 blocking GETs: a thread pool, one by one, 1000 threads").takes(&[Flag::Url, Flag::Requests, Flag::LatencyMs]),
        listing!("7.5", l05_pool_from_async, "A thread pool driven from async code, gathered").takes(&[Flag::Url, Flag::Requests, Flag::LatencyMs]),
        listing!("7.6", l06_default_executor, "The runtime's blocking pool (the default executor)").takes(&[Flag::Url, Flag::Requests, Flag::LatencyMs]),
        listing!("7.7", l07_to_thread, "to_thread: a function and its argument on the blocking pool").takes(&[Flag::Url, Flag::Requests, Flag::LatencyMs]),
        listing!("7.8", l08_locked_counter, "A locked counter from pool threads, an async progress reporter").takes(&[Flag::Url, Flag::Requests, Flag::LatencyMs]),
        listing!(sync "7.9", l09_recursive_relock, "A recursive function relocks a plain mutex: hang detected"),
        listing!(sync "7.10", l10_threadsafe_list, "A list whose find-and-replace relocks; a reentrant mutex fixes it"),
        listing!(sync "7.11", l11_deadlock, "Two threads, two locks, opposite order: deadlock detected"),
        listing!(sync "7.11a", l11a_lock_order, "The fix: one lock order"),
        listing!(sync "7.12", l12_hello_button, "A GUI-style main loop: a terminal window with one button that says hello").interactive(),
        listing!(sync "7.13", l13_load_tester, "7.13-7.15: a terminal load tester driving a runtime on another thread").interactive().through("7.15").takes(&[Flag::Url, Flag::Requests, Flag::LatencyMs]),
        listing!(sync "7.16", l16_scrypt_sequential, "scrypt over 10,000 random passwords, one at a time"),
        listing!(sync "7.17", l17_scrypt_pool, "The same on a thread pool: speedup against the cores").takes(&[Flag::Limit]),
        listing!(sync "7.17a", l17a_sha256, "SHA-256 of large buffers on one thread and on a pool"),
        listing!(sync "7.18", l18_row_means, "The mean of every row of a large matrix, one thread"),
        listing!(sync "7.19", l19_row_means_pool, "The row means on a thread pool, against one thread"),
    ],
    sets: &[Set {
        name: "threadpool",
        about: "1000 blocking GETs (20 ms each): one after the other vs a pool of min(32, cores + 4) vs 1000 threads",
        entries: &["7.4 --only sequential", "7.4 --only pool", "7.4 --only threads"],
        // All rows meet the one demo server compare starts (20 ms a request).
        flags: &["--url", "{demo}delay/20"],
        python: &[],
        load: &[],
        python_flags: &[],
        goal: "",
        after: None,
        scaling: None,
    }, Set {
        name: "hashing",
        about: "scrypt over 2000 passwords on one thread vs a thread pool",
        entries: &["7.16", "7.17 --only pool"],
        flags: &["--passwords", "2000"],
        python: &[
            "scrypt_hash.py --passwords 2000",
            "scrypt_hash.py --passwords 2000 --threads",
        ],
        load: &[],
        python_flags: &["--passwords"],
        goal: "time per hash on the pool no slower than hashlib.scrypt's (OpenSSL)",
        after: None,
        scaling: None,
    }, Set {
        name: "scaling",
        about: "scrypt over 2000 passwords on a pool of 1, 2, 4, ... threads, up to every CPU, each row on as many CPUs",
        entries: &["7.17 --only pool"],
        flags: &["--passwords", "2000"],
        python: &[],
        load: &[],
        python_flags: &["--passwords"],
        goal: "efficiency at least 90% on every core count measured; per hash no slower than hashlib.scrypt",
        // hashlib releases the GIL: threads scale in Python too; processes for comparison.
        after: None,
        scaling: Some(Scaling {
            flag: "--limit",
            share: Share::All,
            python: &[
                "scrypt_hash.py --passwords 2000 --threads {n}",
                "scrypt_hash.py --passwords 2000 --processes {n}",
            ],
        }),
    }],
    workers: &[],
    tools: &[],
    options: ChapterOptions::of::<Options>(),
};

/// Options of this chapter's listings, read with `ctx.options::<Options>()`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// 7.4: run one way only: pool, sequential or threads; 7.17: pool (for `compare`).
    #[arg(long, value_name = "WAY")]
    pub only: Option<String>,
    /// 7.16/7.17: how many passwords to hash.
    #[arg(long, value_name = "N", default_value_t = 10_000, allow_negative_numbers = true,
          value_parser = runner::whole_number::<u64>(0, None))]
    pub passwords: u64,
    /// 7.17a: how many buffers to hash.
    #[arg(long, value_name = "N", default_value_t = 64, allow_negative_numbers = true,
          value_parser = runner::whole_number::<u64>(0, None))]
    pub buffers: u64,
    /// 7.17a: the size of each buffer in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 16, allow_negative_numbers = true,
          value_parser = runner::whole_number::<u64>(0, None))]
    pub buffer_mib: u64,
    /// 7.18/7.19: matrix rows (the default matrix is 8 GB).
    #[arg(long, value_name = "N", default_value_t = 50, allow_negative_numbers = true,
          value_parser = runner::whole_number::<u64>(1, None))]
    pub rows: u64,
    /// 7.18/7.19: matrix columns, 8 bytes each.
    #[arg(long, value_name = "N", default_value_t = 20_000_000, allow_negative_numbers = true,
          value_parser = runner::whole_number::<u64>(1, None))]
    pub cols: u64,
}
