//! The command line every chapter binary shares.
//!
//! A chapter crate registers its listings in a [`Chapter`] (one
//! [`listing!`] line each) and its `main.rs` is one line:
//! `runner::main(&chapter02::CHAPTER)`. This crate then owns everything a
//! learner runs but never reads:
//!
//! - the clap command tree: a bare id runs a
//!   listing (`chapter02 2.9 --timeline`); the subcommands `list`, `all`,
//!   `walk` and `compare`, and the chapter's [`Tool`]s, each take only
//!   their own flags; the chapter's typed options ([`ChapterOptions`]) are
//!   added where listings run;
//! - running one listing on a fresh runtime of its flavour, with debug
//!   mode and the timeline around it; `all` and `walk` in sequence;
//!   `--console` serves the run's tasks to tokio-console (the `console`
//!   feature);
//! - listing ids: every spelling a user may type, and an unknown id
//!   answered by its place in the book ("the nearest are 7.11a and 7.13");
//! - [`compare`] — listings side by side in child processes, split the
//!   way hyperfine is: plan → execution → statistics → rendering, plus the
//!   Python rows;
//! - the hidden worker mode (`chapterNN __worker NAME`) for listings that
//!   need a child process.
//!
//! Dependencies point one way: `shared_util` (what listings use) ← this
//! crate ← each chapter. Nothing in `shared_util` knows about the runner.
//!
//! Exit codes: 0 on success, 1 when a listing fails (the error chain is
//! printed), 2 for a usage error such as an unknown id or a bad flag.

mod app;
mod args;
mod chapter;
pub mod compare;
mod console;
mod error;
mod help;
mod ids;
mod list;
mod listing;
mod run;
mod sequence;
pub mod source;

pub use app::main;
pub use chapter::{
    AsyncEntry, Chapter, ChapterOptions, Entry, Kind, Listing, LocalBoxFuture, NoOptions, Scaling,
    Share, SyncEntry, Tool, ToolMain, Worker,
};
pub use compare::Set;
pub use shared_util::Ctx;
pub use shared_util::flags::{Flag, whole_number};
