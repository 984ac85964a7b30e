//! Chapter 1 — Getting to know asyncio, retold in Rust.
//!
//! I/O-bound and CPU-bound work side by side, processes and threads as the
//! operating system sees them, why Python's threads do not speed up CPU
//! work (the GIL) while Rust's do, and the event loop idea: one thread
//! interleaving tasks whenever they wait on I/O. Run
//! `cargo run -p chapter01 -- list` to see the listings.
//!
//! Each module below is one listing; `CHAPTER` is the table the runner
//! reads. `threads` and `fib` hold what several listings share.

mod fib;
mod threads;

mod l01_io_and_cpu;
mod l02_process_info;
mod l03_hello_thread;
mod l04_child_process;
mod l05_fib_sequential;
mod l06_fib_threads;
mod l07_sync_requests;
mod l08_thread_requests;
mod l08a_message_loop;
mod l08b_event_loop_tasks;

use runner::Flag;
use runner::Set;
use runner::listing;
use runner::{Chapter, ChapterOptions, Worker};

/// The chapter's listings, in the book's order.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 1,
    title: "Getting to know asyncio",
    listings: &[
        listing!(sync "1.1", l01_io_and_cpu, "I/O and CPU work side by side: fetch, format headers, write a file").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!(sync "1.2", l02_process_info, "This process's id, its OS thread count, the current thread's name"),
        listing!(sync "1.3", l03_hello_thread, "A second thread says hello; the thread count goes up"),
        listing!(sync "1.4", l04_child_process, "A real child process prints its own pid"),
        listing!(sync "1.5", l05_fib_sequential, "fib(40) and fib(41) one after the other, timed"),
        listing!(sync "1.6", l06_fib_threads, "fib(40) and fib(41) on two threads: no GIL, so faster"),
        listing!(sync "1.7", l07_sync_requests, "Two blocking GETs one after the other, timed").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!(sync "1.8", l08_thread_requests, "The same two GETs on two threads, timed").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!(sync "1.8a", l08a_message_loop, "A message loop over a queue: the event loop in ten lines"),
        listing!("1.8b", l08b_event_loop_tasks, "Three tasks interleave CPU work and I/O on one thread").takes(&[Flag::Url, Flag::Count, Flag::LatencyMs, Flag::Scale]),
    ],
    sets: &[Set {
        name: "gil",
        about: "fib(40) and fib(41) one after the other vs on two threads (no GIL in Rust)",
        entries: &["1.5", "1.6"],
        flags: &[],
        python: &["fib.py", "fib.py --threads"],
        load: &[],
        python_flags: &["--n"],
        goal: "",
        after: None,
        scaling: None,
    }],
    workers: &[Worker { name: "hello", run: l04_child_process::hello_from_process }],
    tools: &[],
    options: ChapterOptions::of::<Options>(),
};

/// Options of this chapter's listings, read with `ctx.options::<Options>()`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// 1.1: the file to write the headers to [default: a fresh temp dir].
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    /// 1.5/1.6: compute fib(N) and fib(N+1), N in 1..=60.
    #[arg(long, value_name = "N", default_value_t = fib::BOOK_N, allow_negative_numbers = true,
          value_parser = runner::whole_number::<u64>(1, Some(fib::MAX_N)))]
    pub n: u64,
}
