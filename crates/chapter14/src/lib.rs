//! Chapter 14 — Advanced asyncio, on Tokio: building a tiny Tokio.
//!
//! The first listings use Tokio's own tools: a runner that accepts async
//! fns, futures and plain functions (14.1), task-local context (14.2),
//! `yield_now` (14.3) and a second runtime, smol (14.4). Then the chapter
//! opens Tokio up: an `async fn` is a state machine (14.5–14.7), a future
//! is `poll` plus a `Waker` (14.8–14.9), sockets with mio and a callback
//! that completes an awaited future (14.10), a task is a boxed future that requeues itself when woken
//! (14.11), and 14.12 puts these together into an event loop of our own,
//! with no Tokio inside, that runs chapter 3's echo server (14.13).
//! Run `cargo run -p chapter14 -- list` to see the listings.

mod l01_task_runner;
mod l02_task_local_server;
mod l03_yield_now;
mod l04_smol_echo_server;
mod l05_state_machine;
mod l06_generator;
mod l07_nested_futures;
mod l08_custom_future;
mod l09_awaiting_custom_future;
mod l10_mio_callbacks;
mod l11_custom_task;
pub mod l12_event_loop;
mod l13_echo_on_our_loop;

use runner::listing;
use runner::{Chapter, ChapterOptions, Set};

/// The chapter's listings, in the book's order.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 14,
    title: "Advanced asyncio",
    listings: &[
        listing!("14.1", l01_task_runner, "A task runner that accepts async fns, futures and plain functions").timers(),
        listing!("14.2", l02_task_local_server, "task_local!: each connection's address logged deep down, without passing it").server(),
        listing!("14.3", l03_yield_now, "yield_now: when spawned tasks start, with and without a turn of the scheduler").timers(),
        listing!(sync "14.4", l04_smol_echo_server, "The same echo server on another runtime: smol (the book swaps in uvloop)").server(),
        listing!("14.5", l05_state_machine, "An async fn is a state machine: the same coroutine written by hand").timers(),
        listing!("14.6", l06_generator, "A generator (an iterator) driven step by step from outside").timers(),
        listing!("14.7", l07_nested_futures, "Async fns calling async fns: nested futures, driven by one poll").timers(),
        listing!("14.8", l08_custom_future, "A future written by hand: poll, Pending, a stored Waker").timers(),
        listing!("14.9", l09_awaiting_custom_future, "Awaiting the hand-written future: polled by hand, then woken under Tokio").timers(),
        listing!(sync "14.10", l10_mio_callbacks, "Sockets with a selector and callbacks (mio): a callback completes the future main awaits").server(),
        listing!("14.11", l11_custom_task, "A task written by hand: polled whenever its waker requeues it").timers(),
        listing!(sync "14.12", l12_event_loop, "An event loop of our own: a mio reactor, a ready queue, wakers that requeue"),
        listing!(sync "14.13", l13_echo_on_our_loop, "Chapter 3's echo server on our own loop, checked with the load tool").server(),
    ],
    sets: &[Set {
        name: "runtimes",
        about: "the echo server on Tokio (3.8), smol (14.4) and our own loop (14.13), each on one thread, under chapter 3's load tool with server and load on different CPUs",
        entries: &["chapter03:3.8", "14.4", "14.13"],
        flags: &["--port", "0"],
        python: &["echo_server.py --port 0", "echo_server.py --port 0 --uvloop"],
        load: &["chapter03:load", "--addr", "{addr}", "--clients", "100", "--messages", "1000", "--size", "1024"],
        python_flags: &[],
        goal: "Tokio at least 2x asyncio's and 1.5x uvloop's round trips/s, and within 10% of our own mio loop (14.13), each on one core",
        after: None,
        scaling: None,
    }],
    workers: &[],
    tools: &[],
    options: ChapterOptions::NONE,
};
