//! The registry a chapter fills in: its listings, named comparisons, child
//! programs, tools and typed options.
//!
//! A chapter's `lib.rs` holds one `static CHAPTER: Chapter` with one
//! [`listing!`](crate::listing) line per listing, and its `main.rs` hands
//! it to [`crate::main`].

use std::any::Any;
use std::process::ExitCode;
use std::sync::Arc;

use shared_util::flags::{Flag, FlagSet};

pub use crate::listing::{AsyncEntry, Entry, Kind, Listing, LocalBoxFuture, SyncEntry};

/// A chapter: its number, its title, its listings in book order, and what
/// else its binary offers.
#[derive(Debug)]
pub struct Chapter {
    /// The book's chapter number.
    pub number: u32,
    /// The book's chapter title.
    pub title: &'static str,
    /// Every listing, in the book's order.
    pub listings: &'static [Listing],
    /// Named comparisons for `compare NAME` (see [`Set`]);
    /// empty for most chapters.
    pub sets: &'static [Set],
    /// Programs this binary can become when re-run as a child process (see
    /// [`Worker`]); empty for most chapters.
    pub workers: &'static [Worker],
    /// Command-line tools shipped with the chapter (see [`Tool`]).
    pub tools: &'static [Tool],
    /// The chapter's own options (see [`ChapterOptions`]).
    pub options: ChapterOptions,
}

impl Chapter {
    /// The crate name, `chapter02`.
    pub fn crate_name(&self) -> String {
        format!("chapter{:02}", self.number)
    }

    /// The shared flags some listing of the chapter reads.
    pub fn flags(&self) -> FlagSet {
        self.listings
            .iter()
            .fold(FlagSet::EMPTY, |set, listing| set.with(listing.flags))
    }

    /// The ids of the listings that read `flag`.
    pub fn taking(&self, flag: Flag) -> Vec<&'static str> {
        self.listings
            .iter()
            .filter(|listing| listing.flags.has(flag))
            .map(|listing| listing.id)
            .collect()
    }

    /// The listings' ids, in the book's order.
    pub fn ids(&self) -> impl Iterator<Item = &'static str> {
        self.listings.iter().map(|l| l.id)
    }

    /// Where a listing's file lives, relative to the workspace.
    pub fn file_of(&self, listing: &Listing) -> String {
        format!("crates/{}/src/{}.rs", self.crate_name(), listing.module)
    }
}

/// A named comparison a chapter offers: `cargo run --release -p chapter02
/// -- compare runtimes`, timed by [`compare`](crate::compare).
#[derive(Debug, Clone, Copy)]
pub struct Set {
    /// The word that selects it, e.g. `runtimes`.
    pub name: &'static str,
    /// What it shows, one line for `compare --list`.
    pub about: &'static str,
    /// The rows: `"2.19"`, `"2.19 --runtime multi-thread"`; the first is
    /// the baseline.
    pub entries: &'static [&'static str],
    /// Flags for every row (before any given after `--`).
    pub flags: &'static [&'static str],
    /// Python counterparts, added with `compare --python`: a script in
    /// `scripts/python` and its arguments; `{demo}` stands for the URL of a
    /// demo server `compare` starts (with the set's `--latency-ms`), and
    /// `{database}` (in these and in `flags`) for the URL of a demo
    /// database it starts and loads with the book's products.
    pub python: &'static [&'static str],
    /// Flags after `--` that the Python rows take too, with the same
    /// meaning (`--n` for fib): with `--python`, these go to both sides, and
    /// any other flag after `--` is refused (it would change one side only).
    pub python_flags: &'static [&'static str],
    /// For a set of servers: the command of this binary that loads each
    /// one, `{addr}` standing for the address the server prints (flags
    /// after `--` are added here). Empty for listings that end by
    /// themselves. A row may name another chapter's binary built beside
    /// this one: `chapter07:7.1`.
    pub load: &'static [&'static str],
    /// The goal the benchmarks page holds the set to (one line; empty for
    /// none): `compare --list` shows it, `scripts/bench.sh` prints it.
    pub goal: &'static str,
    /// For a scaling set: how its rows grow with the cores (see
    /// [`Scaling`]); `None` for a set whose rows are fixed.
    pub scaling: Option<Scaling>,
    /// A measurement the rows cannot make (chapter 12's: what a SIGKILL
    /// loses), run after the table with this binary's path; its lines are
    /// printed under the table (not with `--json`). `None` for most sets.
    pub after: Option<AfterTable>,
}

/// A [`Set`]'s measurement after its table: given this binary's path,
/// the lines to print.
pub type AfterTable = fn(&std::path::Path) -> anyhow::Result<Vec<String>>;

/// How a scaling set's rows grow with the machine: each entry runs with
/// 1, 2, 4, ... threads (`flag N`) up to its share of the CPUs, pinned to
/// that many CPUs, and the table adds the speedup and the efficiency
/// (speedup ÷ threads) against the entry's one-thread row.
#[derive(Debug, Clone, Copy)]
pub struct Scaling {
    /// The flag that sets a row's threads: `--workers` (Tokio's worker
    /// threads) or a pool size (`--limit`).
    pub flag: &'static str,
    /// How many CPUs the rows may have.
    pub share: Share,
    /// Python rows, one per thread count: `{n}` in them stands for it
    /// (`echo_server.py --port 0 --processes {n}`).
    pub python: &'static [&'static str],
}

/// The CPUs a scaling set's rows grow into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    /// Servers: half the CPUs, the load runs on the other half.
    Half,
    /// Work that ends by itself: every CPU.
    All,
}

/// A child-process program hidden inside a chapter binary.
///
/// Listings that need a real child process re-run their own binary as
/// `chapterNN __worker NAME ARGS...` (see
/// [`worker_command`](shared_util::ctx::worker_command)). The runner sees
/// `__worker` before parsing anything else and calls `run` with the
/// remaining arguments; its error, if any, is printed and the process
/// exits 1.
#[derive(Debug, Clone, Copy)]
pub struct Worker {
    /// What `worker_command` calls it.
    pub name: &'static str,
    /// The child's `main`, given the arguments after the name.
    pub run: fn(&[String]) -> anyhow::Result<()>,
}

/// A tool's flags and its `main`: implement it on a `#[derive(clap::Args)]`
/// struct and register it with [`Tool::new`].
pub trait ToolMain: clap::Args + Sized {
    /// Runs the tool with the parsed flags; the result is the exit code.
    fn main(self) -> ExitCode;
}

/// A command-line tool shipped with a chapter, next to its listings, as a
/// subcommand of the chapter binary: `cargo run -p chapter03 -- load
/// --clients 100`. Its flags are a `clap::Args` struct, so `load --help`
/// lists exactly them.
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    /// The word that selects it, e.g. `load`.
    pub name: &'static str,
    /// One line for `list` and `--help`.
    pub about: &'static str,
    /// Adds the tool's flags to its subcommand.
    pub(crate) augment: fn(clap::Command) -> clap::Command,
    /// Parses the flags and runs the tool.
    pub(crate) run: fn(&clap::ArgMatches) -> ExitCode,
}

impl Tool {
    /// The tool `name`, whose flags and `main` are `T`.
    pub const fn new<T: ToolMain>(name: &'static str, about: &'static str) -> Self {
        Self {
            name,
            about,
            augment: T::augment_args,
            run: run_tool::<T>,
        }
    }
}

fn run_tool<T: ToolMain>(matches: &clap::ArgMatches) -> ExitCode {
    match T::from_arg_matches(matches) {
        Ok(args) => args.main(),
        Err(e) => e.exit(),
    }
}

/// The options one chapter adds to the command line, declared once as a
/// `#[derive(clap::Args)]` struct (defaults and help in one place) and read
/// by a listing with `ctx.options::<crate::Options>()`.
///
/// ```
/// /// Options of this chapter's listings.
/// #[derive(Debug, clap::Args)]
/// pub struct Options {
///     /// 7.16/7.17: how many passwords to hash.
///     #[arg(long, default_value_t = 10_000)]
///     pub passwords: u64,
/// }
///
/// // In the chapter's table: `options: ChapterOptions::of::<Options>()`.
/// static OPTIONS: runner::ChapterOptions = runner::ChapterOptions::of::<Options>();
///
/// // In a listing:
/// fn count(ctx: &shared_util::Ctx) -> u64 {
///     ctx.options::<Options>().passwords
/// }
/// ```
///
/// A misspelt option is a compile error, not a silent default:
///
/// ```compile_fail
/// # #[derive(Debug, clap::Args)]
/// # pub struct Options {
/// #     #[arg(long, default_value_t = 10_000)]
/// #     pub passwords: u64,
/// # }
/// fn count(ctx: &shared_util::Ctx) -> u64 {
///     ctx.options::<Options>().passwrods // misspelt: no such field
/// }
/// ```
#[derive(Clone, Copy)]
pub struct ChapterOptions {
    /// Adds the options to a command (the listing run, `all`, `walk`).
    pub(crate) augment: fn(clap::Command) -> clap::Command,
    /// Reads them back from the parsed command line.
    pub(crate) parse: fn(&clap::ArgMatches) -> Result<Arc<dyn Any + Send + Sync>, clap::Error>,
    /// Whether there are any, for help texts.
    pub(crate) any: bool,
}

impl std::fmt::Debug for ChapterOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChapterOptions")
            .field("any", &self.any)
            .finish_non_exhaustive()
    }
}

/// The options of a chapter that has none.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoOptions;

impl ChapterOptions {
    /// The options are the struct `O`.
    pub const fn of<O: clap::Args + Send + Sync + 'static>() -> Self {
        Self {
            augment: O::augment_args,
            parse: parse_options::<O>,
            any: true,
        }
    }

    /// The chapter has no options of its own.
    pub const NONE: Self = Self {
        augment: std::convert::identity,
        parse: no_options,
        any: false,
    };
}

fn parse_options<O: clap::Args + Send + Sync + 'static>(
    matches: &clap::ArgMatches,
) -> Result<Arc<dyn Any + Send + Sync>, clap::Error> {
    Ok(Arc::new(O::from_arg_matches(matches)?))
}

fn no_options(_: &clap::ArgMatches) -> Result<Arc<dyn Any + Send + Sync>, clap::Error> {
    Ok(Arc::new(NoOptions))
}
