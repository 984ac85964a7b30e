//! Chapter 4 — Concurrent web requests, on Tokio with reqwest.
//!
//! An async "context manager" built from RAII, one `reqwest::Client` as
//! the book's session (a connection pool), timeouts, and the ways to run
//! many requests at once: spawn-then-await, `join_all` (gather),
//! `try_join_all` (and the cancellation it implies), `FuturesUnordered`
//! (as_completed), and `JoinSet` (wait) with its done and pending counts.
//! Requests go to the in-process demo server unless `--url` is given. Run
//! `cargo run -p chapter04 -- list` to see the listings.

mod session;

mod l01_connected_socket;
mod l02_fetch_status;
mod l03_timeouts;
mod l04_await_in_loop;
mod l05_spawn_then_await;
mod l06_gather_many;
mod l06a_one_after_another;
mod l07_results_in_order;
mod l07a_first_error;
mod l07b_every_result;
mod l08_as_completed;
mod l09_as_completed_timeout;
mod l10_wait_all;
mod l11_inspect_results;
mod l12_first_exception;
mod l13_first_completed;
mod l14_first_completed_loop;
mod l15_wait_timeout;
mod l16_which_task;

use runner::Flag;
use runner::Set;
use runner::listing;
use runner::{Chapter, ChapterOptions};

/// The chapter's listings, in the book's order.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 4,
    title: "Concurrent web requests",
    listings: &[
        listing!("4.1", l01_connected_socket, "An async \"context manager\" for an accepted connection").server(),
        listing!("4.2", l02_fetch_status, "One GET through a shared client, printing the status").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!("4.3", l03_timeouts, "Client and per-request timeouts: the 10 ms one trips").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!("4.4", l04_await_in_loop, "Awaiting in the loop that spawns: 9 s, not 3").timers(),
        listing!("4.5", l05_spawn_then_await, "Spawn all, then await all: 3 s").timers(),
        listing!("4.6", l06_gather_many, "1000 requests at once, gathered; the server's peak concurrency").takes(&[Flag::Url, Flag::Requests, Flag::LatencyMs, Flag::Limit]),
        listing!("4.6a", l06a_one_after_another, "The same requests one after the other").takes(&[Flag::Url, Flag::Requests, Flag::LatencyMs, Flag::Limit]),
        listing!("4.7", l07_results_in_order, "Results in the order passed in: [3, 1]").timers(),
        listing!("4.7a", l07a_first_error, "An invalid URL: the first error surfaces, the rest are dropped").takes(&[Flag::Url, Flag::LatencyMs, Flag::Scale]),
        listing!("4.7b", l07b_every_result, "Every result and every error, in order").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!("4.8", l08_as_completed, "Results as they complete (1 s, 1 s, 10 s)").takes(&[Flag::Url, Flag::LatencyMs, Flag::Scale]),
        listing!("4.9", l09_as_completed_timeout, "As-completed with a 2 s deadline; what still runs").takes(&[Flag::Url, Flag::LatencyMs, Flag::Scale]),
        listing!("4.10", l10_wait_all, "Wait for all: done and pending counts").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!("4.11", l11_inspect_results, "Inspecting each result or error without failing").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!("4.12", l12_first_exception, "First exception: cancel the rest").takes(&[Flag::Url, Flag::LatencyMs, Flag::Scale]),
        listing!("4.13", l13_first_completed, "First completed: one result, the others pending").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!("4.14", l14_first_completed_loop, "Looping on first-completed until none is pending").takes(&[Flag::Url, Flag::LatencyMs, Flag::Scale]),
        listing!("4.15", l15_wait_timeout, "Wait with a 1 s timeout: the slow one stays pending, running").takes(&[Flag::Url, Flag::LatencyMs, Flag::Scale]),
        listing!("4.16", l16_which_task, "Keeping the task's handle to cancel API B, not API A").takes(&[Flag::Url, Flag::LatencyMs, Flag::Scale]),
    ],
    sets: &[Set {
        name: "gather",
        about: "1000 requests one after the other vs all at once, 10 ms server latency",
        entries: &["4.6a", "4.6"],
        // Every row, Rust and Python, meets the one demo server compare starts;
        // both Rust rows send 1000 (4.6a alone sends 100 by default).
        flags: &["--latency-ms", "10", "--url", "{demo}", "--requests", "1000"],
        python: &[
            "requests_demo.py --url {demo} --sequential",
            "requests_demo.py --url {demo}",
        ],
        load: &[],
        python_flags: &["--requests"],
        goal: "",
        after: None,
        scaling: None,
    }],
    workers: &[],
    tools: &[],
    options: ChapterOptions::NONE,
};
