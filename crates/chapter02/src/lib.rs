//! Chapter 2 — asyncio basics, on Tokio.
//!
//! Futures (coroutines), tasks, timeouts and cancellation, hand-made
//! futures, timing with `#[async_timed]`, the pitfalls of CPU-bound and
//! blocking code on a single-threaded runtime, runtimes built by hand, and
//! debug mode. Run `cargo run -p chapter02 -- list` to see the listings.
//!
//! Each module below is one listing of the book; `CHAPTER` is the table the
//! runner reads.

mod l01_async_fn;
mod l02_calling_async_fn;
mod l03_running_a_future;
mod l04_await_twice;
mod l05_sleep_hello;
mod l06_delay_helper;
mod l07_two_awaits;
mod l08_spawn_task;
mod l09_multiple_tasks;
mod l09a_million_tasks;
mod l10_other_work;
mod l11_cancel_task;
mod l12_timeout;
mod l13_shield;
mod l14_future_by_hand;
mod l15_future_set_later;
mod l15a_manual_timing;
mod l16_async_timed;
mod l17_timed_delays;
mod l18_cpu_bound;
mod l19_cpu_and_delay;
mod l20_blocking_api;
mod l21_manual_runtime;
mod l22_runtime_handle;
mod l23_debug_mode;
mod l24_slow_poll_threshold;

use runner::Flag;
use runner::Set;
use runner::listing;
use runner::{Chapter, ChapterOptions};

/// The chapter's listings, in the book's order.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 2,
    title: "asyncio basics",
    listings: &[
        listing!("2.1", l01_async_fn, "An async fn").timers(),
        listing!("2.2", l02_calling_async_fn, "Calling an async fn runs nothing: it returns a future").timers(),
        listing!(sync "2.3", l03_running_a_future, "Running a future to completion from main"),
        listing!("2.4", l04_await_twice, "Awaiting inside an async main, twice").timers(),
        listing!("2.5", l05_sleep_hello, "Sleeping for a second, then saying hello").timers(),
        listing!("2.6", l06_delay_helper, "The delay helper").timers(),
        listing!("2.7", l07_two_awaits, "Two awaits in a row run one after the other").timers(),
        listing!("2.8", l08_spawn_task, "Spawning a task returns at once").timers(),
        listing!("2.9", l09_multiple_tasks, "Three 3-second tasks finish in 3 s, not 9").timers(),
        listing!("2.9a", l09a_million_tasks, "Spawning and joining a million tasks").takes(&[Flag::Count]),
        listing!("2.10", l10_other_work, "Other work runs while two tasks sleep").timers(),
        listing!("2.11", l11_cancel_task, "Cancelling a task after five seconds").timers(),
        listing!("2.12", l12_timeout, "A timeout, and cancelling the task it gave up on").timers(),
        listing!("2.13", l13_shield, "A timeout that does not cancel (shield)").timers(),
        listing!("2.14", l14_future_by_hand, "A future made by hand").timers(),
        listing!("2.15", l15_future_set_later, "A future completed by another task a second later").timers(),
        listing!("2.15a", l15a_manual_timing, "Timing one await by hand").timers(),
        listing!("2.16", l16_async_timed, "The async_timed decorator, written out").timers(),
        listing!("2.17", l17_timed_delays, "#[async_timed] on delay(2), delay(3) and main: 3 s").timers(),
        listing!("2.18", l18_cpu_bound, "Two CPU-bound tasks run one after the other").takes(&[Flag::Count, Flag::Scale]),
        listing!("2.19", l19_cpu_and_delay, "CPU-bound tasks hold up a delay task").takes(&[Flag::Count, Flag::Scale]),
        listing!("2.20", l20_blocking_api, "A blocking call serialises three \"concurrent\" requests").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!(sync "2.21", l21_manual_runtime, "Building a runtime by hand, and shutting it down"),
        listing!("2.22", l22_runtime_handle, "The running runtime's handle; a function run soon").timers(),
        listing!("2.23", l23_debug_mode, "Debug mode flags a task that held the thread").takes(&[Flag::Count, Flag::Scale]),
        listing!("2.24", l24_slow_poll_threshold, "Changing the slow-poll threshold to 250 ms"),
    ],
    sets: &[Set {
        name: "runtimes",
        about: "two CPU-bound tasks and a delay on the current-thread vs the multi-thread runtime",
        entries: &["2.19", "2.19 --runtime multi-thread"],
        // Each count is sized to about a second on the machine (no --count),
        // so the rows compare the same story in a debug and a release build.
        flags: &[],
        python: &[],
        load: &[],
        python_flags: &[],
        goal: "",
        after: None,
        scaling: None,
    }, Set {
        name: "spawn",
        about: "a million tasks spawned and joined, on one thread vs on every core",
        entries: &["2.9a", "2.9a --runtime multi-thread"],
        flags: &[],
        python: &["spawn_tasks.py"],
        load: &[],
        python_flags: &["--count"],
        goal: "",
        after: None,
        scaling: None,
    }],
    workers: &[],
    tools: &[],
    options: ChapterOptions::NONE,
};
