//! Chapter 11 — Synchronization, on Tokio.
//!
//! Single-threaded code still races when state changes across an `await`;
//! locks, semaphores, events and conditions put the order back. Tokio ships a
//! `Mutex` and a `Semaphore`; the chapter's `Event` ([`event`]) and
//! `Condition` ([`condition`]) are small types of our own, built from
//! `Notify`. Run `cargo run -p chapter11 -- list` to see the listings.
//!
//! Each `lNN_*` module below is one listing of the book; `CHAPTER` is the
//! table the runner reads.
//!
//! Listings 11.1 and 11.2 share a plain `Rc<Cell<u32>>` between tasks on one
//! thread. The compiler holds that sharing to one thread: hand such a
//! counter to `tokio::spawn`, whose tasks may move between threads, and the
//! program does not build (`Rc` is not `Send`):
//!
//! ```compile_fail
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::{cell::Cell, rc::Rc};
//! let counter = Rc::new(Cell::new(0));
//! let shared = counter.clone();
//! tokio::spawn(async move { shared.set(shared.get() + 1) }).await.unwrap();
//! # }
//! ```
//!
//! Across threads the counter must say how it is shared, e.g. `Arc` plus an
//! atomic, and then it builds:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::sync::{Arc, atomic::{AtomicU32, Ordering}};
//! let counter = Arc::new(AtomicU32::new(0));
//! let shared = counter.clone();
//! tokio::spawn(async move { shared.fetch_add(1, Ordering::SeqCst) }).await.unwrap();
//! assert_eq!(counter.load(Ordering::SeqCst), 1);
//! # }
//! ```

pub mod condition;
pub mod event;
mod mock_socket;

mod l01_no_await_counter;
mod l02_race_across_await;
mod l03_broadcast_race;
mod l04_two_tasks_one_lock;
mod l05_broadcast_with_lock;
mod l06_semaphore;
mod l07_limited_requests;
mod l08_release_too_often;
mod l09_bounded_semaphore;
mod l10_event;
mod l11_file_upload;
mod l12_upload_server;
mod l13_missed_events;
mod l14_condition;
mod l15_condition_wait_for;

use runner::Flag;
use runner::listing;
use runner::{Chapter, ChapterOptions};

/// The chapter's listings, in the book's order.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 11,
    title: "Synchronization",
    listings: &[
        listing!("11.1", l01_no_await_counter, "100 tasks bump a shared counter with no await in between: always 100").timers().takes(&[Flag::Rounds]),
        listing!("11.2", l02_race_across_await, "Read, await, write: every round ends at 1, not 100").timers().takes(&[Flag::Rounds]),
        listing!("11.3", l03_broadcast_race, "A disconnect during a broadcast: a send to a closed socket").timers(),
        listing!("11.4", l04_two_tasks_one_lock, "Two tasks, one lock: the second waits in line").timers(),
        listing!("11.5", l05_broadcast_with_lock, "A lock (in a static) held across the broadcast fixes 11.3").timers(),
        listing!("11.6", l06_semaphore, "A semaphore of 2 with four operations").timers(),
        listing!("11.7", l07_limited_requests, "1000 requests, at most 10 in flight (the server's peak proves it)").takes(&[Flag::Url, Flag::Requests, Flag::LatencyMs, Flag::Limit]),
        listing!("11.8", l08_release_too_often, "Releasing more often than acquiring adds a permit: three acquire at once").timers(),
        listing!("11.9", l09_bounded_semaphore, "A bounded semaphore refuses the extra release").timers(),
        listing!("11.10", l10_event, "An event set 5 s later releases two waiting tasks").timers(),
        listing!("11.11", l11_file_upload, "A file upload that hands over its contents through an event").timers(),
        listing!("11.12", l12_upload_server, "An upload server on 127.0.0.1:9000 printing each finished upload").server(),
        listing!("11.13", l13_missed_events, "An event set every second while workers take 5 s: triggers are missed").timers(),
        listing!("11.14", l14_condition, "A condition: workers wait, a notifier wakes them all every 5 s").timers().takes(&[Flag::Rounds]),
        listing!("11.15", l15_condition_wait_for, "A condition with a predicate: queries wait until the connection is initialised").timers(),
    ],
    sets: &[],
    workers: &[],
    tools: &[],
    options: ChapterOptions::of::<Options>(),
};

/// Options of this chapter's listings, read with `ctx.options::<Options>()`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// 11.12: refuse an upload larger than this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = 256, allow_negative_numbers = true,
          value_parser = runner::whole_number::<u64>(1, Some(1 << 20)))]
    pub max_upload_mib: u64,
    /// 11.12: give up on an upload that sends nothing for this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, allow_negative_numbers = true,
          value_parser = runner::whole_number::<u64>(1, Some(86_400)))]
    pub upload_idle: u64,
}
