//! The book's `util` module, in Rust: what every listing of *Rust
//! Concurrency with Tokio* may use.
//!
//! Where the book writes `from util import async_timed, delay`, a listing
//! writes `use shared_util::{async_timed, delay};`. A short tour:
//!
//! - [`async_timed`] — the book's `@async_timed()` decorator as an attribute:
//!   every call prints `starting NAME with args (..)` and
//!   `finished NAME in N second(s)`; [`timed`] does the same for any future,
//!   and [`span`] records it on the timeline without printing.
//! - [`delay`](mod@delay) — the book's `delay(seconds)` helper, [`delay()`].
//! - [`timing`] — the clock behind both: Tokio's, so a paused clock
//!   (`--virtual-time`) reports exact virtual time; [`secs`] formats it as
//!   the book does.
//! - [`timeline`] — every timed span, drawn as bars (`--timeline`,
//!   `--timeline-svg`), busy time apart from waiting time.
//! - [`task`] — named tasks, `create_task(coro, name=...)`:
//!   [`spawn_named`] is `tokio::spawn` with a name tokio-console shows
//!   (`--console`).
//! - [`debug`] — asyncio's debug mode as a slow-poll detector (`--debug`).
//! - [`cpu`] — CPU-bound work the optimiser cannot delete
//!   ([`count_to`](cpu::count_to)).
//! - [`ctx`] — [`Ctx`], what a listing reads about its run (the shared
//!   [`flags`], the chapter's typed options, the demo server), and
//!   [`usage`] for a value the listing cannot take.
//! - [`demo`] — the stand-ins, apart from the util: the demo server (the
//!   offline example.com), the demo database (a throwaway PostgreSQL),
//!   the book's product database built in it, and connecting to it.
//! - [`http_server`] — serving an app (an axum router or any tower
//!   service) with a header timeout, a connection cap and a bounded
//!   shutdown (the demo server, chapter 9).
//! - [`net`] — binding servers on 127.0.0.1 with clear port errors.
//! - [`progress`] — progress bars on stderr, hidden off a terminal.
//! - [`sys`] — CPU time, memory and descriptor limits of a process.
//! - [`report`] — where the lines printed on a listing's behalf go.
//! - [`signals`] — SIGINT/SIGTERM handled for one listing at a time, and
//!   temporary files a signal must not leave behind.
//!
//! The command line every chapter binary shares lives in the `runner`
//! crate, which depends on this one and never the other way round: nothing
//! here parses a chapter's arguments (the `demo-server` binary reads its two
//! flags by hand).
//!
//! ```
//! use shared_util::{async_timed, delay};
//!
//! #[async_timed]
//! async fn main_task() -> u64 {
//!     let (a, b) = tokio::join!(delay(1), delay(2));
//!     a + b
//! }
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
//! assert_eq!(main_task().await, 3); // prints: finished main_task in 2.0000 second(s)
//! # }
//! ```

#![warn(missing_docs)]

// Lets `#[async_timed]`, which names `::shared_util`, work inside this crate too.
#[allow(unused_extern_crates)]
extern crate self as shared_util;

pub mod cpu;
pub mod ctx;
pub mod debug;
pub mod delay;
pub mod demo;
pub mod flags;
pub mod http_server;
pub mod net;
pub mod progress;
pub mod report;
pub mod signals;
pub mod sys;
pub mod task;
pub mod timeline;
pub mod timing;

pub use anyhow;
pub use ctx::{Ctx, usage};
pub use delay::delay;
pub use shared_util_macros::async_timed;
pub use task::{spawn_named, spawn_named_in};
pub use timing::{secs, span, timed};
