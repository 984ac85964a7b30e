//! The chapter runner: what `cargo run -p chapterNN -- ...` does.
//!
//! A chapter crate registers its listings in a [`Chapter`] (one
//! [`listing!`](crate::listing) line each) and its `main.rs` hands it to
//! [`main`]. The runner then offers:
//!
//! - `list [--json]` — the chapter's listings;
//! - `<id>` — run one listing (`2.9`, `9` and `2_9` all work), `--source`
//!   to show its code first;
//! - `all` — every listing in order, servers in demo mode;
//! - a chapter's own tools, e.g. `load` (see [`Tool`]), and options, e.g.
//!   `--idle-timeout` (see [`Opt`]), registered with [`main_with`];
//! - `compare A B [--runs N] [--warmup N] [--json|--markdown] [--svg FILE]
//!   [-- FLAGS]` — listings side by side in child processes (see
//!   [`compare`](crate::compare));
//! - `walk [id]` — the classroom mode: show a listing's source, run it on
//!   Enter, move on (`--no-pause` for scripts);
//! - runtime flags: `--runtime current-thread|multi-thread`, `--workers N`,
//!   `--virtual-time` (a paused clock, for listings that only wait on
//!   timers), `--timeline`, `--timeline-svg FILE`, `--debug`,
//!   `--slow-poll-ms N`;
//! - listing options carried in [`Ctx`]: `--url`, `--demo`, `--count`,
//!   `--port`, `--requests`, `--latency-ms`, `--scale`, `--rounds`,
//!   `--limit`.
//!
//! Exit codes: 0 on success, 1 when a listing fails (the error chain is
//! printed), 2 for a usage error such as an unknown id.
//!
//! Each listing runs on a fresh runtime built here, current-thread unless
//! the listing declares otherwise: asyncio is a single-threaded event loop,
//! and the book's stories (a CPU-bound task blocks everything) depend on it.

use std::future::Future;
use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Duration;

use clap::{CommandFactory as _, FromArgMatches as _, Parser, ValueEnum};

use crate::demo_server::{DemoConfig, DemoServer};
use crate::{debug, source, timeline};

/// A boxed future that need not be `Send`: listings run under `block_on`.
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// The entry point of an async listing, boxed by [`listing!`](crate::listing).
pub type AsyncEntry = for<'a> fn(&'a Ctx) -> LocalBoxFuture<'a, anyhow::Result<()>>;

/// The entry point of a listing that manages threads, processes or its own
/// runtime.
pub type SyncEntry = fn(&Ctx) -> anyhow::Result<()>;

/// How a listing is entered.
#[derive(Clone, Copy)]
pub enum Entry {
    /// `pub async fn run(ctx: &Ctx) -> anyhow::Result<()>`, run on a runtime
    /// the runner builds.
    Async(AsyncEntry),
    /// `pub fn run(ctx: &Ctx) -> anyhow::Result<()>`, run on the main thread.
    Sync(SyncEntry),
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Entry::Async(_) => "Async",
            Entry::Sync(_) => "Sync",
        })
    }
}

/// Which Tokio runtime a listing runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Flavor {
    /// One thread, like asyncio's event loop.
    CurrentThread,
    /// A pool of worker threads (`--workers N`, default: one per core).
    MultiThread,
}

impl Flavor {
    /// The flag spelling: `current-thread` or `multi-thread`.
    pub fn name(self) -> &'static str {
        match self {
            Flavor::CurrentThread => "current-thread",
            Flavor::MultiThread => "multi-thread",
        }
    }
}

/// What kind of program a listing is, for `list` and `all`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Runs and ends by itself.
    Plain,
    /// Serves until Ctrl-C; `--demo` (and `all`) drive it with a scripted
    /// client and stop it.
    Server,
    /// Needs a person at the keyboard; `all` skips it.
    Interactive,
}

/// One listing of the book, as registered in a chapter's `lib.rs`.
#[derive(Debug, Clone, Copy)]
pub struct Listing {
    /// The book's number, `2.9`; letters for unnumbered material, `2.15a`.
    pub id: &'static str,
    /// One line saying what it shows.
    pub title: &'static str,
    /// The module (and file) name, `l09_multiple_tasks`.
    pub module: &'static str,
    /// The file's text, embedded so `walk` shows the code that runs.
    pub source: &'static str,
    /// How to run it.
    pub entry: Entry,
    /// The runtime it runs on unless `--runtime` says otherwise.
    pub flavor: Flavor,
    /// Whether it only waits on timers, so a paused clock can run it.
    pub timers_only: bool,
    /// Plain, server or interactive.
    pub kind: Kind,
}

impl Listing {
    /// A listing with the defaults: current-thread, real clock, plain.
    /// Use [`listing!`](crate::listing) rather than calling this.
    pub const fn new(
        id: &'static str,
        title: &'static str,
        module: &'static str,
        source: &'static str,
        entry: Entry,
    ) -> Self {
        Self {
            id,
            title,
            module,
            source,
            entry,
            flavor: Flavor::CurrentThread,
            timers_only: false,
            kind: Kind::Plain,
        }
    }

    /// Marks a listing that waits only on timers: `--virtual-time` may run
    /// it on a paused clock.
    pub const fn timers(mut self) -> Self {
        self.timers_only = true;
        self
    }

    /// Runs on the multi-thread runtime by default.
    pub const fn multi_thread(mut self) -> Self {
        self.flavor = Flavor::MultiThread;
        self
    }

    /// Marks a server (runs until Ctrl-C unless `--demo`).
    pub const fn server(mut self) -> Self {
        self.kind = Kind::Server;
        self
    }

    /// Marks a listing that needs a person at the keyboard.
    pub const fn interactive(mut self) -> Self {
        self.kind = Kind::Interactive;
        self
    }
}

/// Registers a listing module in a chapter's table.
///
/// `listing!("2.9", l09_multiple_tasks, "Three tasks ...")` for a module with
/// `pub async fn run(ctx: &Ctx) -> anyhow::Result<()>`;
/// `listing!(sync "2.21", l21_manual_runtime, "...")` for one with a plain
/// `pub fn run`. Chain `.timers()`, `.multi_thread()`, `.server()` or
/// `.interactive()` to declare more. The module's file is embedded with
/// `include_str!` for `walk` and `--source`.
#[macro_export]
macro_rules! listing {
    ($id:literal, $module:ident, $title:literal) => {
        $crate::cli::Listing::new(
            $id,
            $title,
            ::std::stringify!($module),
            ::std::include_str!(::std::concat!(::std::stringify!($module), ".rs")),
            $crate::cli::Entry::Async({
                fn entry(
                    ctx: &$crate::cli::Ctx,
                ) -> $crate::cli::LocalBoxFuture<'_, $crate::anyhow::Result<()>> {
                    ::std::boxed::Box::pin($module::run(ctx))
                }
                entry
            }),
        )
    };
    (sync $id:literal, $module:ident, $title:literal) => {
        $crate::cli::Listing::new(
            $id,
            $title,
            ::std::stringify!($module),
            ::std::include_str!(::std::concat!(::std::stringify!($module), ".rs")),
            $crate::cli::Entry::Sync($module::run),
        )
    };
}

/// A chapter: its number, its title, its listings in book order.
#[derive(Debug)]
pub struct Chapter {
    /// The book's chapter number.
    pub number: u32,
    /// The book's chapter title.
    pub title: &'static str,
    /// Every listing, in the book's order.
    pub listings: &'static [Listing],
    /// Named comparisons for `compare NAME` (see
    /// [`compare::Set`](crate::compare::Set)); empty for most chapters.
    pub sets: &'static [crate::compare::Set],
    /// Programs this binary can become when re-executed as a child process
    /// (see [`worker_command`]); empty for most chapters.
    pub workers: &'static [Worker],
}

/// A child-process program hidden inside a chapter binary.
///
/// Listings that need a real child process (a second process counting, a
/// program that prints a million lines) re-execute their own binary as
/// `chapterNN __worker NAME ARGS...` instead of depending on anything
/// installed. The runner sees `__worker` before parsing anything else and
/// calls `run` with the remaining arguments; its error, if any, is printed
/// and the process exits 1.
#[derive(Debug, Clone, Copy)]
pub struct Worker {
    /// What `worker_command` calls it.
    pub name: &'static str,
    /// The child's `main`, given the arguments after the name.
    pub run: fn(&[String]) -> anyhow::Result<()>,
}

/// A command-line tool shipped with a chapter, next to its listings:
/// `cargo run -p chapter03 -- load --clients 100` runs tool `load` with the
/// arguments after its name. The tool parses its own flags (clap works
/// well) and returns the process's exit code. Register tools by calling
/// [`main_with_tools`] from the chapter's `main.rs`.
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    /// The word that selects it, e.g. `load`.
    pub name: &'static str,
    /// One line for `list`.
    pub about: &'static str,
    /// The tool's `main`, given the arguments after its name.
    pub run: fn(&[String]) -> ExitCode,
}

/// A command-line option of one chapter, beyond the runner's own flags:
/// `--idle-timeout 60`, `--passwords 10000`. Declare them in the chapter
/// and pass them to [`main_with`]; listings read them with
/// [`Ctx::number`], [`Ctx::text`] or [`Ctx::flag`].
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    /// The long flag without dashes, e.g. `idle-timeout`.
    pub name: &'static str,
    /// What the value is.
    pub kind: OptKind,
    /// One line for `--help`.
    pub help: &'static str,
}

/// The kind of value an [`Opt`] takes; the runner checks it (exit 2 on a
/// bad value) before any listing runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptKind {
    /// A whole number (`u64`).
    Number,
    /// Any text, e.g. a file name.
    Text,
    /// Present or not, no value.
    Flag,
}

impl Opt {
    /// `--name N`, a whole number.
    pub const fn number(name: &'static str, help: &'static str) -> Self {
        Self {
            name,
            kind: OptKind::Number,
            help,
        }
    }

    /// `--name TEXT`.
    pub const fn text(name: &'static str, help: &'static str) -> Self {
        Self {
            name,
            kind: OptKind::Text,
            help,
        }
    }

    /// `--name`, a switch.
    pub const fn flag(name: &'static str, help: &'static str) -> Self {
        Self {
            name,
            kind: OptKind::Flag,
            help,
        }
    }
}

/// The hidden first argument that turns a chapter binary into a worker.
pub const WORKER_ARG: &str = "__worker";

/// A `std::process::Command` that runs worker `name` of the current binary;
/// add arguments, then spawn it. For async code, wrap it with
/// `tokio::process::Command::from`.
pub fn worker_command(name: &str) -> std::process::Command {
    // current_exe fails only on exotic platforms; fall back to argv[0].
    let exe = std::env::current_exe()
        .unwrap_or_else(|_| PathBuf::from(std::env::args_os().next().unwrap_or_default()));
    let mut command = std::process::Command::new(exe);
    command.arg(WORKER_ARG).arg(name);
    command
}

/// Gives SIGPIPE and SIGINT their default actions.
///
/// Rust ignores SIGPIPE, so writing to a closed pipe returns an error and
/// `println!` panics on it; with the default action `chapter02 list | head`
/// ends quietly, as `cat` or `ls` would. SIGINT may arrive ignored: a shell
/// without job control starts background commands that way, and children
/// inherit it. Listings teach what Ctrl-C does (and tests send SIGINT), so
/// every run starts from the default: Ctrl-C ends the process unless a
/// listing handles it.
#[allow(unsafe_code)]
fn restore_signals() {
    use nix::sys::signal::{SigHandler, Signal, signal};
    for sig in [Signal::SIGPIPE, Signal::SIGINT] {
        // Safety: called first thing in `main`, before any other thread
        // exists, and SIG_DFL installs no Rust code as a handler.
        let _ = unsafe { signal(sig, SigHandler::SigDfl) };
    }
}

/// An error and its causes on one line, `listing 3.8 failed: port 8000 ...`,
/// without a backtrace (anyhow's `{:?}` adds one whenever RUST_BACKTRACE is
/// set).
fn error_chain(error: &anyhow::Error) -> String {
    format!("{error:#}")
}

/// Runs the worker named in `args` (the words after `__worker`).
fn run_worker(chapter: &Chapter, args: &[String]) -> ExitCode {
    let Some((name, rest)) = args.split_first() else {
        eprintln!("error: {WORKER_ARG} needs a worker name");
        return ExitCode::from(2);
    };
    let Some(worker) = chapter.workers.iter().find(|w| w.name == name) else {
        let names: Vec<&str> = chapter.workers.iter().map(|w| w.name).collect();
        eprintln!(
            "error: {} has no worker '{name}' (workers: {})",
            chapter.crate_name(),
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        );
        return ExitCode::from(2);
    };
    match (worker.run)(rest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: worker {name}: {}", error_chain(&error));
            ExitCode::from(1)
        }
    }
}

impl Chapter {
    /// The crate name, `chapter02`.
    pub fn crate_name(&self) -> String {
        format!("chapter{:02}", self.number)
    }

    /// Finds a listing by any accepted spelling of its id: `2.9`, `9`,
    /// `2_9`, `2.09`, `listing 2.9`.
    pub fn find(&self, input: &str) -> Option<&'static Listing> {
        let wanted = canonical_id(input, self.number)?;
        self.listings
            .iter()
            .find(|l| canonical_id(l.id, self.number).as_deref() == Some(wanted.as_str()))
    }

    /// The registered id closest to `input`, if one is close enough to be
    /// a likely typo.
    pub fn closest(&self, input: &str) -> Option<&'static str> {
        let wanted = canonical_id(input, self.number).unwrap_or_else(|| input.to_owned());
        self.listings
            .iter()
            .map(|l| (edit_distance(&wanted, l.id), l.id))
            .filter(|(d, _)| *d <= 2)
            .min_by_key(|(d, _)| *d)
            .map(|(_, id)| id)
    }
}

/// Normalises a listing id: `_` → `.`, no leading zeros, chapter prefixed.
fn canonical_id(input: &str, chapter: u32) -> Option<String> {
    let lower = input.trim().to_lowercase().replace('_', ".");
    let s = lower.strip_prefix("listing").unwrap_or(&lower).trim();
    let (major, minor) = match s.split_once('.') {
        Some((major, minor)) => (major.parse::<u32>().ok()?, minor),
        None => (chapter, s),
    };
    let digits: String = minor.chars().take_while(char::is_ascii_digit).collect();
    let suffix = &minor[digits.len()..];
    if digits.is_empty() || !suffix.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    Some(format!("{major}.{}{suffix}", digits.parse::<u32>().ok()?))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// What a listing can read about the run: the options it was given and,
/// on demand, the in-process demo server.
#[derive(Debug)]
pub struct Ctx {
    /// `--url`: a real site to use instead of the in-process demo server.
    pub url: Option<String>,
    /// `--demo`: a server listing drives itself with a scripted client and
    /// stops, instead of serving until Ctrl-C.
    pub demo: bool,
    /// `--count`: how far CPU-bound listings count (each has a default).
    pub count: Option<u64>,
    /// `--port`: where server listings listen (each has a default).
    pub port: Option<u16>,
    /// `--requests`: how many requests request-heavy listings send.
    pub requests: Option<usize>,
    /// `--latency-ms`: latency the in-process demo server adds to every
    /// request.
    pub latency: Duration,
    /// `--scale`: a factor for the book's long waits (server delays, demo
    /// durations); 1.0 keeps the book's numbers, 0.1 runs ten times faster.
    pub scale: f64,
    /// `--rounds`: how many rounds looping demos run (each has a default).
    pub rounds: Option<u64>,
    /// `--limit`: a concurrency limit (semaphore size, pool size, ...).
    pub limit: Option<usize>,
    /// Whether this run is on a paused (virtual) clock.
    pub virtual_time: bool,
    /// The runtime this listing runs on.
    pub flavor: Flavor,
    /// Worker threads of the multi-thread runtime, when set.
    pub workers: Option<usize>,
    /// The chapter's own options given on the command line (see [`Opt`]).
    options: std::collections::BTreeMap<&'static str, String>,
    /// Started on first use and shared by every listing of an `all` run.
    server: OnceLock<DemoServer>,
}

impl Default for Ctx {
    fn default() -> Self {
        Self {
            url: None,
            demo: false,
            count: None,
            port: None,
            requests: None,
            latency: Duration::ZERO,
            scale: 1.0,
            rounds: None,
            limit: None,
            virtual_time: false,
            flavor: Flavor::CurrentThread,
            workers: None,
            options: std::collections::BTreeMap::new(),
            server: OnceLock::new(),
        }
    }
}

impl Ctx {
    /// `--count`, or the listing's `default`.
    pub fn count_or(&self, default: u64) -> u64 {
        self.count.unwrap_or(default)
    }

    /// `--requests`, or the listing's `default`.
    pub fn requests_or(&self, default: usize) -> usize {
        self.requests.unwrap_or(default)
    }

    /// One of the book's waits, given in seconds, multiplied by `--scale`:
    /// `ctx.scaled(10)` is 10 s normally and 1 s with `--scale 0.1`.
    pub fn scaled(&self, seconds: f64) -> Duration {
        Duration::from_secs_f64(seconds * self.scale)
    }

    /// The chapter option `--name N` (an [`Opt::number`]), or `default`.
    pub fn number(&self, name: &str, default: u64) -> u64 {
        self.options
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    /// The chapter option `--name TEXT` (an [`Opt::text`]), if given.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.options.get(name).map(String::as_str)
    }

    /// Whether the chapter switch `--name` (an [`Opt::flag`]) was given.
    pub fn flag(&self, name: &str) -> bool {
        self.options.contains_key(name)
    }

    /// Sets a chapter option, as `--name value` would (for tests and for
    /// listings that run other listings' code).
    pub fn set_option(&mut self, name: &'static str, value: impl Into<String>) {
        self.options.insert(name, value.into());
    }

    /// `--rounds`, or the listing's `default`.
    pub fn rounds_or(&self, default: u64) -> u64 {
        self.rounds.unwrap_or(default)
    }

    /// `--limit`, or the listing's `default`.
    pub fn limit_or(&self, default: usize) -> usize {
        self.limit.unwrap_or(default)
    }

    /// `--port`, or the listing's `default`.
    pub fn port_or(&self, default: u16) -> u16 {
        self.port.unwrap_or(default)
    }

    /// How many threads run this listing's tasks: 1 on the current-thread
    /// runtime, the worker count on the multi-thread one (`--workers`, by
    /// default one per core, as Tokio does).
    pub fn worker_threads(&self) -> usize {
        match self.flavor {
            Flavor::CurrentThread => 1,
            Flavor::MultiThread => self
                .workers
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)),
        }
    }

    /// The page to fetch: `--url` when given, otherwise the root of the
    /// in-process demo server (started on first use).
    pub fn url(&self) -> anyhow::Result<String> {
        self.url_for("/")
    }

    /// `--url` when given (a real site is used as it is), otherwise `path`
    /// on the in-process demo server, e.g. `ctx.url_for("/delay/250")`.
    pub fn url_for(&self, path: &str) -> anyhow::Result<String> {
        match &self.url {
            Some(url) => Ok(url.clone()),
            None => Ok(format!("{}{path}", self.demo_server()?.url())),
        }
    }

    /// The in-process demo server, started on first use, even when `--url`
    /// is given (for listings that need a server they can count on).
    pub fn demo_server(&self) -> anyhow::Result<&DemoServer> {
        if let Some(server) = self.server.get() {
            return Ok(server);
        }
        let server = DemoServer::start_with(DemoConfig {
            port: 0,
            latency: self.latency,
        })?;
        let _ = self.server.set(server);
        Ok(self.server.get().expect("set just above"))
    }

    /// The in-process demo server if requests go to it (no `--url`) and it
    /// was started: the one whose counters describe this run.
    pub fn local_server(&self) -> Option<&DemoServer> {
        match self.url {
            Some(_) => None,
            None => self.server.get(),
        }
    }
}

/// Command-line options of every chapter binary.
#[derive(Debug, Parser)]
#[command(
    after_help = "Examples:\n  list                      the chapter's listings\n  2.9 --timeline            run listing 2.9 and draw its timeline\n  all --virtual-time        every listing, timer-only ones on a paused clock\n  walk 2.9                  classroom mode from 2.9: source, Enter runs it\n  compare 2.18 2.19 --runs 3 -- --count 50000000\n                            time listings side by side (use --release)"
)]
struct Cli {
    /// `list`, `all`, `walk`, `compare`, or a listing id (`2.9`, `9`, `2_9`).
    target: Option<String>,
    /// With `walk`: the listing to start from; with `compare`: the
    /// listings to compare (the first is the baseline).
    rest: Vec<String>,
    /// With `compare`: flags given to every compared listing.
    #[arg(last = true, value_name = "LISTING FLAGS")]
    pass: Vec<String>,
    /// With `list` or `compare`: print JSON for tools.
    #[arg(long)]
    json: bool,
    /// With `compare`: print the table as Markdown.
    #[arg(long, conflicts_with = "json")]
    markdown: bool,
    /// With `compare`: measured runs of each listing.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1000))]
    runs: u64,
    /// With `compare`: unmeasured warm-up runs of each listing first.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(0..=1000))]
    warmup: u64,
    /// With `compare NAME`: add the set's Python counterparts as rows.
    #[arg(long)]
    python: bool,
    /// With `compare`: list the chapter's named comparisons.
    #[arg(long)]
    list: bool,
    /// With `compare`: write the bar chart as an SVG file.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Runtime flavour; default: the listing's own (usually current-thread).
    #[arg(long, value_enum, value_name = "FLAVOR")]
    runtime: Option<Flavor>,
    /// Worker threads of the multi-thread runtime (implies multi-thread).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    workers: Option<u16>,
    /// Run timer-only listings on a paused clock: sleeps end at once, printed
    /// times stay exact.
    #[arg(long)]
    virtual_time: bool,
    /// Draw a timeline of the timed spans after the listing.
    #[arg(long)]
    timeline: bool,
    /// Write the timeline as an SVG file.
    #[arg(long, value_name = "FILE")]
    timeline_svg: Option<PathBuf>,
    /// Debug mode: warn about polls that hold the thread too long.
    #[arg(long)]
    debug: bool,
    /// Slow-poll threshold in milliseconds (implies --debug) [default: 100].
    #[arg(long, value_name = "MS")]
    slow_poll_ms: Option<u64>,
    /// Use this http(s) URL instead of the in-process demo server.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Servers: run with a scripted client for a moment, then stop.
    #[arg(long)]
    demo: bool,
    /// Print the listing's source before running it.
    #[arg(long)]
    source: bool,
    /// With `walk`: do not wait for Enter.
    #[arg(long)]
    no_pause: bool,
    /// How far CPU-bound listings count.
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Port for server listings (0 picks a free one).
    #[arg(long, value_name = "PORT")]
    port: Option<u16>,
    /// How many requests request-heavy listings send.
    #[arg(long, value_name = "N")]
    requests: Option<usize>,
    /// Latency the in-process demo server adds to every request.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,
    /// Multiply the book's long waits by F (0.1 = ten times quicker runs).
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = parse_scale)]
    scale: f64,
    /// How many rounds looping listings run.
    #[arg(long, value_name = "N")]
    rounds: Option<u64>,
    /// A concurrency limit: semaphore size, pool size, connections.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    limit: Option<u64>,
}

/// A value the user gave that a listing cannot take, found by the listing
/// itself (say `7.17 --only threads`): the runner prints it as a usage
/// error and exits 2, as it does for a bad flag. Make one with [`usage`].
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// `return Err(usage("--only takes pool, sequential or threads"))` from a
/// listing: exit code 2 and the message, not "listing failed".
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// Why the runner stops with a non-zero exit code.
#[derive(Debug)]
enum Failure {
    /// The user's mistake: exit code 2.
    Usage(String),
    /// A listing failed: exit code 1.
    Listing(anyhow::Error),
}

/// The whole of a chapter binary: parse the command line, do what it says.
pub fn main(chapter: &'static Chapter) -> ExitCode {
    main_with_tools(chapter, &[])
}

/// [`main`] for a chapter that also ships tools (see [`Tool`]).
pub fn main_with_tools(chapter: &'static Chapter, tools: &'static [Tool]) -> ExitCode {
    main_with(chapter, tools, &[])
}

/// [`main`] for a chapter with tools and options of its own (see [`Tool`]
/// and [`Opt`]).
pub fn main_with(
    chapter: &'static Chapter,
    tools: &'static [Tool],
    options: &'static [Opt],
) -> ExitCode {
    restore_signals();
    crate::compare::end_with_compare();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(WORKER_ARG) {
        return run_worker(chapter, &args[1..]);
    }
    if let Some(tool) = args
        .first()
        .and_then(|first| tools.iter().find(|t| t.name == first))
    {
        return (tool.run)(&args[1..]);
    }
    let (cli, extra) = match parse_args(chapter, options, std::env::args_os()) {
        Ok(parsed) => parsed,
        // Help and version exit 0, usage errors exit 2.
        Err(e) => e.exit(),
    };
    let outcome = dispatch(chapter, tools, cli, extra);
    crate::compare::write_own_stats();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Listing(error)) => {
            eprintln!("error: {}", error_chain(&error));
            ExitCode::from(1)
        }
    }
}

/// Parses a chapter binary's command line: the runner's flags plus the
/// chapter's own options, returned by name.
fn parse_args(
    chapter: &Chapter,
    options: &[Opt],
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Result<(Cli, std::collections::BTreeMap<&'static str, String>), clap::Error> {
    let command = Cli::command()
        .name(chapter.crate_name())
        .bin_name(format!("cargo run -p {} --", chapter.crate_name()))
        .about(format!(
            "Chapter {} of Python Concurrency with asyncio, in Rust on Tokio: {}",
            chapter.number, chapter.title
        ))
        .next_help_heading(format!("Options of chapter {}", chapter.number))
        .args(options.iter().map(|opt| {
            let arg = clap::Arg::new(opt.name).long(opt.name).help(opt.help);
            match opt.kind {
                OptKind::Number => arg.value_name("N").value_parser(clap::value_parser!(u64)),
                OptKind::Text => arg.value_name("TEXT"),
                OptKind::Flag => arg.action(clap::ArgAction::SetTrue),
            }
        }));
    let mut extra = std::collections::BTreeMap::new();
    let cli = command.try_get_matches_from(args).and_then(|matches| {
        for opt in options {
            let value = match opt.kind {
                OptKind::Number => matches.get_one::<u64>(opt.name).map(u64::to_string),
                OptKind::Text => matches.get_one::<String>(opt.name).cloned(),
                OptKind::Flag => matches.get_flag(opt.name).then(String::new),
            };
            if let Some(value) = value {
                extra.insert(opt.name, value);
            }
        }
        Cli::from_arg_matches(&matches)
    })?;
    Ok((cli, extra))
}

/// How a listing is being run: alone, or as part of `all`/`walk`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Single,
    Sequence,
}

fn dispatch(
    chapter: &'static Chapter,
    tools: &[Tool],
    cli: Cli,
    options: std::collections::BTreeMap<&'static str, String>,
) -> Result<(), Failure> {
    let target = cli.target.clone();
    match (target.as_deref(), cli.rest.len()) {
        (Some("compare"), _) | (_, 0) | (Some("walk"), 1) => {}
        _ => {
            return Err(Failure::Usage(format!(
                "unexpected argument '{}': only `walk` takes a second id, and only `compare` several",
                cli.rest.join(" ")
            )));
        }
    }
    if cli.json && !matches!(target.as_deref(), Some("list" | "compare")) {
        return Err(Failure::Usage(
            "--json goes with `list` or `compare`".into(),
        ));
    }
    if (cli.markdown || cli.list || cli.python || cli.svg.is_some() || !cli.pass.is_empty())
        && target.as_deref() != Some("compare")
    {
        return Err(Failure::Usage(
            "--markdown, --list, --python, --svg and flags after `--` go with `compare`".into(),
        ));
    }
    let mut ctx = build_ctx(&cli)?;
    ctx.options = options;
    match target.as_deref() {
        None => {
            print_list(chapter, tools);
            println!(
                "\nRun one with `cargo run -p {} -- {}`, or `-- --help` for every option.",
                chapter.crate_name(),
                chapter.listings.first().map_or("<id>", |l| l.id)
            );
            Ok(())
        }
        Some("list") => {
            if cli.json {
                println!("{}", list_json(chapter));
            } else {
                print_list(chapter, tools);
            }
            Ok(())
        }
        Some("all") => run_all(chapter, &cli, &mut ctx),
        Some("walk") => walk(chapter, &cli, &mut ctx),
        Some("compare") => compare_listings(chapter, &cli),
        Some(id) => {
            let listing = chapter
                .find(id)
                .ok_or_else(|| Failure::Usage(unknown_id(chapter, id)))?;
            run_listing(chapter, listing, &cli, &mut ctx, Mode::Single)
        }
    }
}

fn compare_listings(chapter: &Chapter, cli: &Cli) -> Result<(), Failure> {
    use crate::compare;
    if cli.list {
        if chapter.sets.is_empty() {
            println!(
                "chapter {} has no named comparisons; give listing ids instead",
                chapter.number
            );
        }
        for set in chapter.sets {
            println!("{:<12} {}", set.name, set.about);
            println!("{:<12} {}", "", set.entries.join("  vs  "));
            if !set.load.is_empty() {
                println!("{:<12} each under: {}", "", set.load.join(" "));
            }
            if !set.python.is_empty() {
                let shared = if set.python_flags.is_empty() {
                    String::new()
                } else {
                    format!("; flags both sides take: {}", set.python_flags.join(" "))
                };
                println!(
                    "{:<12} --python adds: {}{shared}",
                    "",
                    set.python.join(", ")
                );
            }
        }
        return Ok(());
    }
    let set = match cli.rest.as_slice() {
        [name] => chapter.sets.iter().find(|s| s.name == name.as_str()),
        _ => None,
    };
    let (specs, flags): (Vec<String>, Vec<String>) = match set {
        Some(set) => (
            set.entries.iter().map(|e| (*e).to_owned()).collect(),
            set.flags.iter().map(|f| (*f).to_owned()).collect(),
        ),
        None => (cli.rest.clone(), Vec::new()),
    };
    let serving = set.is_some_and(|set| !set.load.is_empty());
    // A set of servers gives the flags after `--` to its load, not to them.
    let (flags, load) = match set {
        Some(set) if serving => {
            let load: Vec<String> = set.load.iter().map(|a| (*a).to_owned()).collect();
            (flags, merge_flags(&load, &cli.pass))
        }
        _ => (merge_flags(&flags, &cli.pass), Vec::new()),
    };
    let exe = std::env::current_exe().map_err(|e| {
        Failure::Listing(anyhow::Error::new(e).context("could not find this program to re-run it"))
    })?;
    // Rows from another chapter's binary run only when it has been built.
    let specs: Vec<String> = specs
        .into_iter()
        .filter(|spec| match compare::foreign(spec) {
            Some((program, _)) if !compare::sibling(&exe, program).exists() => {
                eprintln!(
                    "note: skipping {spec}: {program} is not built beside this binary; `cargo build {}-p {program}` adds it",
                    if cfg!(debug_assertions) { "" } else { "--release " }
                );
                false
            }
            _ => true,
        })
        .collect();
    if specs.len() < 2 {
        let names: Vec<&str> = chapter.sets.iter().map(|s| s.name).collect();
        return Err(Failure::Usage(format!(
            "compare takes a named comparison ({}) or two or more listing ids, e.g. `cargo run --release -p {} -- compare {} {}`",
            if names.is_empty() {
                "this chapter has none".to_owned()
            } else {
                names.join(", ")
            },
            chapter.crate_name(),
            chapter.listings.first().map_or("A", |l| l.id),
            chapter.listings.get(1).map_or("B", |l| l.id),
        )));
    }
    let mut listings = compare::resolve(chapter, &exe, &specs).map_err(|id| {
        let mut message = unknown_id(chapter, &id);
        if !chapter.sets.is_empty() {
            let names: Vec<&str> = chapter.sets.iter().map(|s| s.name).collect();
            message.push_str(&format!("\nnamed comparisons: {}", names.join(" ")));
        }
        Failure::Usage(message)
    })?;
    let ids_ok = specs
        .iter()
        .filter_map(|spec| {
            spec.split_whitespace()
                .next()
                .and_then(|id| chapter.find(id))
        })
        .all(|l| l.kind == if serving { Kind::Server } else { Kind::Plain });
    if !ids_ok {
        let server_sets: Vec<&str> = chapter
            .sets
            .iter()
            .filter(|s| !s.load.is_empty())
            .map(|s| s.name)
            .collect();
        return Err(Failure::Usage(if serving {
            "a set of servers can only hold servers".into()
        } else if server_sets.is_empty() {
            "compare runs listings that end by themselves; servers and interactive listings cannot be timed this way".into()
        } else {
            format!(
                "compare times listings that end by themselves; servers are timed under a load by a named set: compare {}",
                server_sets.join(" / ")
            )
        }));
    }
    if cli.python
        && !serving
        && let Some(set) = set
        && let Some(flag) = cli
            .pass
            .iter()
            .find(|f| f.starts_with("--") && !set.python_flags.contains(&f.as_str()))
    {
        return Err(Failure::Usage(format!(
            "with --python, flags after `--` must mean the same on both sides; {flag} would change the Rust side only{}",
            if set.python_flags.is_empty() {
                " (this set's Python rows take none)".to_owned()
            } else {
                format!(" (both sides take: {})", set.python_flags.join(" "))
            }
        )));
    }
    if cli.python && set.is_none() {
        return Err(Failure::Usage(
            "--python goes with a named comparison (see `compare --list`)".into(),
        ));
    }
    // Fail on an unwritable chart path now, not after minutes of runs.
    if let Some(path) = &cli.svg {
        std::fs::write(path, "")
            .map_err(|e| Failure::Usage(format!("could not write {}: {e}", path.display())))?;
    }
    let python = match set {
        Some(set) if cli.python && set.python.is_empty() => {
            eprintln!("note: the set '{}' has no Python counterpart yet", set.name);
            None
        }
        Some(set) if cli.python => match compare::python_interpreter(set.python) {
            Some(python) => Some((set, python)),
            None => {
                eprintln!("note: python3 is not installed; comparing the Rust side only");
                None
            }
        },
        _ => None,
    };
    // One demo server for every row that asks for `{demo}` (the set's
    // flags, its Python rows), so all of them meet the same server and
    // no row pays for a server of its own. Kept alive until the end.
    let wants_demo = flags.iter().any(|f| f.contains("{demo}"))
        || python
            .as_ref()
            .is_some_and(|(set, _)| set.python.iter().any(|p| p.contains("{demo}")));
    let mut demo_server = None;
    let mut flags = flags;
    let demo_url = if wants_demo {
        let latency = latency_in(&flags);
        let server =
            DemoServer::start_with(DemoConfig { port: 0, latency }).map_err(Failure::Listing)?;
        let url = format!("{}/", server.url());
        demo_server = Some(server);
        for flag in &mut flags {
            *flag = flag.replace("{demo}", &url);
        }
        Some(url)
    } else {
        None
    };
    if let Some((set, python)) = python {
        let mut rows = compare::python_rows(&python, set.python, demo_url.as_deref());
        if !serving {
            // The flags after `--` both sides share (checked above).
            for row in &mut rows {
                let words = merge_flags(&row.args[1..], &cli.pass);
                row.args.truncate(1);
                row.args.extend(words);
            }
        }
        listings.extend(rows);
    }
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build, so the times below are not representative; use `cargo run --release -p {} -- compare ...`",
            chapter.crate_name()
        );
    }
    let plan = compare::Plan {
        listings,
        runs: usize::try_from(cli.runs).unwrap_or(1),
        warmup: usize::try_from(cli.warmup).unwrap_or(0),
        flags,
        load,
    };
    if !cli.json {
        let ids: Vec<String> = plan.listings.iter().map(compare::Entry::label).collect();
        eprintln!(
            "comparing {} ({} run(s) each after {} warm-up, alternating order; each run is a child process)",
            ids.join(" vs "),
            plan.runs,
            plan.warmup
        );
        if !plan.flags.is_empty() && !serving {
            eprintln!("the listings run with: {}", plan.flags.join(" "));
        }
        if serving {
            eprintln!(
                "each server is started, loaded with `{}` and stopped; its time is the load's own",
                plan.load.join(" ").replace("{addr}", "ADDRESS")
            );
        }
    }
    let results = compare::run(&exe, &plan).map_err(|e| {
        if let Some(path) = &cli.svg {
            let _ = std::fs::remove_file(path); // the empty file written above
        }
        Failure::Listing(e.context("compare stopped"))
    })?;
    if cli.json {
        println!("{}", results.render_json(&plan));
    } else if cli.markdown {
        print!("{}", results.render_markdown(&plan));
    } else {
        print!("{}", results.render_text());
    }
    if let Some(path) = &cli.svg {
        std::fs::write(path, results.render_svg())
            .map_err(|e| Failure::Usage(format!("could not write {}: {e}", path.display())))?;
        eprintln!("chart written to {}", path.display());
    }
    drop(demo_server);
    Ok(())
}

/// A set's flags with the user's (after `--`) on top: a flag the user gives
/// replaces the set's flag of the same name and its value.
fn merge_flags(set: &[String], user: &[String]) -> Vec<String> {
    let given = |flag: &str| user.iter().any(|u| u == flag);
    let mut merged = Vec::new();
    let mut i = 0;
    while i < set.len() {
        let takes_value = set.get(i + 1).is_some_and(|next| !next.starts_with("--"));
        let width = if takes_value { 2 } else { 1 };
        if !given(&set[i]) {
            merged.extend_from_slice(&set[i..i + width]);
        }
        i += width;
    }
    merged.extend_from_slice(user);
    merged
}

/// The `--latency-ms` value among compare's flags, for the demo server the
/// Python rows use.
fn latency_in(flags: &[String]) -> Duration {
    flags
        .windows(2)
        .find(|pair| pair[0] == "--latency-ms")
        .and_then(|pair| pair[1].parse().ok())
        .map_or(Duration::ZERO, Duration::from_millis)
}

fn unknown_id(chapter: &Chapter, id: &str) -> String {
    let mut message = format!("chapter {} has no listing '{id}'", chapter.number);
    if let Some(close) = chapter.closest(id) {
        message.push_str(&format!("; did you mean {close}?"));
    }
    let ids: Vec<&str> = chapter.listings.iter().map(|l| l.id).collect();
    message.push_str(&format!(
        "\nvalid ids: {}\n(`cargo run -p {} -- list` shows them with their titles)",
        ids.join(" "),
        chapter.crate_name()
    ));
    message
}

fn build_ctx(cli: &Cli) -> Result<Ctx, Failure> {
    if let Some(url) = &cli.url {
        check_url(url).map_err(Failure::Usage)?;
    }
    if cli.workers.is_some() && cli.runtime == Some(Flavor::CurrentThread) {
        return Err(Failure::Usage(
            "--workers sets the multi-thread runtime's pool; it cannot go with --runtime current-thread".into(),
        ));
    }
    if cli.virtual_time && (cli.runtime == Some(Flavor::MultiThread) || cli.workers.is_some()) {
        return Err(Failure::Usage(
            "--virtual-time pauses the clock of a current-thread runtime; drop --runtime multi-thread/--workers or --virtual-time".into(),
        ));
    }
    if cli.slow_poll_ms == Some(0) {
        return Err(Failure::Usage(
            "--slow-poll-ms must be at least 1 (every poll takes some time)".into(),
        ));
    }
    Ok(Ctx {
        url: cli.url.as_ref().map(|u| u.trim_end_matches('/').to_owned()),
        demo: cli.demo,
        count: cli.count,
        port: cli.port,
        requests: cli.requests,
        latency: Duration::from_millis(cli.latency_ms),
        scale: cli.scale,
        rounds: cli.rounds,
        limit: cli.limit.map(|n| n as usize),
        virtual_time: false,
        flavor: Flavor::CurrentThread,
        workers: cli.workers.map(usize::from),
        options: std::collections::BTreeMap::new(),
        server: OnceLock::new(),
    })
}

fn parse_scale(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if f > 0.0 && f <= 100.0 => Ok(f),
        _ => Err(format!(
            "'{text}' is not a factor between 0 (exclusive) and 100"
        )),
    }
}

/// Accepts `http://host[:port][/path]` and `https://...`.
fn check_url(url: &str) -> Result<(), String> {
    let hint = "give a full http:// or https:// URL, e.g. --url https://example.com";
    let uri: axum::http::Uri = url
        .parse()
        .map_err(|e| format!("invalid --url '{url}': {e}; {hint}"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(host)) if !host.is_empty() => Ok(()),
        (Some(other), _) if other != "http" && other != "https" => Err(format!(
            "invalid --url '{url}': scheme '{other}' is not supported; {hint}"
        )),
        _ => Err(format!("invalid --url '{url}': {hint}")),
    }
}

fn print_list(chapter: &Chapter, tools: &[Tool]) {
    println!(
        "Chapter {} — {} ({} listings)\n",
        chapter.number,
        chapter.title,
        chapter.listings.len()
    );
    let id_width = chapter
        .listings
        .iter()
        .map(|l| l.id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    println!(
        "  {:<id_width$}  {:<14}  {:<7}  title",
        "id", "runtime", "clock"
    );
    for listing in chapter.listings {
        let kind = match listing.kind {
            Kind::Plain => "",
            Kind::Server => "  [server]",
            Kind::Interactive => "  [interactive]",
        };
        println!(
            "  {:<id_width$}  {:<14}  {:<7}  {}{kind}",
            listing.id,
            listing.flavor.name(),
            if listing.timers_only {
                "virtual"
            } else {
                "real"
            },
            listing.title,
        );
    }
    println!(
        "\nclock: `virtual` listings wait only on timers and may run with --virtual-time; `real` ones do CPU or I/O work and always run on the real clock."
    );
    if !tools.is_empty() {
        println!(
            "\ntools (`cargo run -p {} -- TOOL --help`):",
            chapter.crate_name()
        );
        for tool in tools {
            println!("  {:<10} {}", tool.name, tool.about);
        }
    }
}

fn list_json(chapter: &Chapter) -> String {
    let listings: Vec<serde_json::Value> = chapter
        .listings
        .iter()
        .map(|l| {
            serde_json::json!({
                "id": l.id,
                "title": l.title,
                "module": l.module,
                "file": format!("crates/{}/src/{}.rs", chapter.crate_name(), l.module),
                "runtime": l.flavor.name(),
                "virtual_time": l.timers_only,
                "entry": match l.entry { Entry::Async(_) => "async", Entry::Sync(_) => "sync" },
                "kind": match l.kind { Kind::Plain => "plain", Kind::Server => "server", Kind::Interactive => "interactive" },
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "chapter": chapter.number,
        "title": chapter.title,
        "listings": listings,
    }))
    .expect("JSON values always serialise")
}

fn run_all(chapter: &'static Chapter, cli: &Cli, ctx: &mut Ctx) -> Result<(), Failure> {
    ctx.demo = true;
    let mut failed = Vec::new();
    let mut ran = 0;
    for listing in chapter.listings {
        println!("\n=== Listing {} — {} ===", listing.id, listing.title);
        if listing.kind == Kind::Interactive {
            println!(
                "(interactive: skipped here; run it alone with `cargo run -p {} -- {}`)",
                chapter.crate_name(),
                listing.id
            );
            continue;
        }
        ran += 1;
        match run_listing(chapter, listing, cli, ctx, Mode::Sequence) {
            Ok(()) => {}
            Err(Failure::Listing(error)) => {
                println!("error: {}", error_chain(&error));
                failed.push(listing.id);
            }
            Err(usage) => return Err(usage),
        }
    }
    println!(
        "\nran {ran} listing(s) of chapter {}: {} ok, {} failed{}",
        chapter.number,
        ran - failed.len(),
        failed.len(),
        if failed.is_empty() {
            String::new()
        } else {
            format!(" ({})", failed.join(", "))
        }
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::Listing(anyhow::anyhow!(
            "{} listing(s) failed: {}",
            failed.len(),
            failed.join(", ")
        )))
    }
}

fn walk(chapter: &'static Chapter, cli: &Cli, ctx: &mut Ctx) -> Result<(), Failure> {
    let start = match cli.rest.first() {
        Some(id) => chapter
            .listings
            .iter()
            .position(|l| chapter.find(id).is_some_and(|found| found.id == l.id))
            .ok_or_else(|| Failure::Usage(unknown_id(chapter, id)))?,
        None => 0,
    };
    let pause = !cli.no_pause;
    let colour = source::colour_wanted();
    let listings = &chapter.listings[start..];
    for (index, listing) in listings.iter().enumerate() {
        let file = format!("crates/{}/src/{}.rs", chapter.crate_name(), listing.module);
        println!(
            "\n━━━ Listing {} — {} ━━━  ({file})\n",
            listing.id, listing.title
        );
        print!("{}", source::render(listing.source, colour));
        if pause && !prompt(&format!("[Enter] run {}   [q] quit", listing.id)) {
            return Ok(());
        }
        if listing.kind == Kind::Interactive && !pause {
            println!("(interactive: skipped without a person at the keyboard)");
        } else {
            println!("\n── output of {} ──", listing.id);
            match run_listing(chapter, listing, cli, ctx, Mode::Sequence) {
                Ok(()) => {}
                Err(Failure::Listing(error)) => println!("error: {}", error_chain(&error)),
                Err(usage) => return Err(usage),
            }
        }
        if let Some(next) = listings.get(index + 1)
            && pause
            && !prompt(&format!("[Enter] next: listing {}   [q] quit", next.id))
        {
            return Ok(());
        }
    }
    println!("\nend of chapter {}.", chapter.number);
    Ok(())
}

/// Shows `text` and waits for a line; false on `q` or end of input.
fn prompt(text: &str) -> bool {
    print!("\n{text} ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => {
            println!();
            false
        }
        Ok(_) => !line.trim().eq_ignore_ascii_case("q"),
    }
}

fn run_listing(
    chapter: &Chapter,
    listing: &Listing,
    cli: &Cli,
    ctx: &mut Ctx,
    mode: Mode,
) -> Result<(), Failure> {
    let flavor = match (cli.runtime, cli.workers) {
        (Some(flavor), _) => flavor,
        (None, Some(_)) => Flavor::MultiThread,
        (None, None) => listing.flavor,
    };
    let paused = cli.virtual_time && listing.timers_only && flavor == Flavor::CurrentThread;
    if cli.virtual_time && !paused {
        let why = if matches!(listing.entry, Entry::Sync(_)) {
            "it drives its own threads or runtime, which the runner's paused clock does not reach"
                .to_owned()
        } else if listing.timers_only {
            format!(
                "it runs on the {} runtime, and only a current-thread runtime can pause its clock",
                flavor.name()
            )
        } else {
            "it does CPU or I/O work, which a paused clock cannot time".to_owned()
        };
        if mode == Mode::Single {
            return Err(Failure::Usage(format!(
                "listing {} cannot run with --virtual-time: {why}; run it without --virtual-time",
                listing.id
            )));
        }
        println!("(real clock: {why})");
    }
    if cli.source && mode == Mode::Single {
        print!(
            "{}",
            source::render(listing.source, source::colour_wanted())
        );
        println!();
    }

    debug::disable();
    if cli.debug || cli.slow_poll_ms.is_some() {
        debug::enable();
        if let Some(ms) = cli.slow_poll_ms {
            debug::set_slow_poll_threshold(Duration::from_millis(ms));
        }
    }
    ctx.virtual_time = paused;
    ctx.flavor = flavor;
    if let Some(server) = ctx.local_server() {
        server.reset_stats();
    }

    let outcome = match listing.entry {
        Entry::Sync(run) => {
            timeline::reset();
            run(ctx)
        }
        Entry::Async(run) => {
            let mut builder = match flavor {
                Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
                Flavor::MultiThread => {
                    let mut builder = tokio::runtime::Builder::new_multi_thread();
                    if let Some(workers) = ctx.workers {
                        builder.worker_threads(workers);
                    }
                    builder
                }
            };
            builder.enable_all().start_paused(paused);
            let runtime = builder.build().map_err(|e| {
                Failure::Listing(anyhow::Error::new(e).context("could not build the runtime"))
            })?;
            let ctx_ref: &Ctx = ctx;
            // In debug mode the listing's own future is watched too, so a
            // blocking call made directly in `run` is reported.
            let watched = debug::watch(format!("listing {}", listing.id), run(ctx_ref));
            let result = runtime.block_on(async move {
                timeline::reset();
                watched.await
            });
            // Tasks still running when `run` returns are dropped here, like
            // asyncio.run cancelling what is left; blocking threads get a bound.
            runtime.shutdown_timeout(Duration::from_secs(2));
            result
        }
    };

    if cli.timeline || cli.timeline_svg.is_some() {
        let (origin, spans) = timeline::snapshot();
        if cli.timeline {
            println!();
            print!("{}", timeline::render_text(origin, &spans));
        }
        if let Some(path) = &cli.timeline_svg {
            let path = match mode {
                Mode::Single => path.clone(),
                Mode::Sequence => with_id(path, listing.id),
            };
            std::fs::write(&path, timeline::render_svg(origin, &spans)).map_err(|e| {
                Failure::Usage(format!(
                    "could not write the timeline to {}: {e}",
                    path.display()
                ))
            })?;
            println!("timeline written to {}", path.display());
        }
    }
    let _ = chapter;
    outcome.map_err(|e| match e.downcast::<UsageError>() {
        Ok(UsageError(message)) => Failure::Usage(format!("listing {}: {message}", listing.id)),
        Err(e) => Failure::Listing(e.context(format!("listing {} failed", listing.id))),
    })
}

/// `slides.svg` + `2.9` → `slides-2.9.svg`.
fn with_id(path: &Path, id: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("timeline");
    let ext = path.extension().and_then(|s| s.to_str()).unwrap_or("svg");
    path.with_file_name(format!("{stem}-{id}.{ext}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_normalised() {
        assert_eq!(canonical_id("2.9", 2).as_deref(), Some("2.9"));
        assert_eq!(canonical_id("9", 2).as_deref(), Some("2.9"));
        assert_eq!(canonical_id("2_9", 2).as_deref(), Some("2.9"));
        assert_eq!(canonical_id("2.09", 2).as_deref(), Some("2.9"));
        assert_eq!(canonical_id("15a", 2).as_deref(), Some("2.15a"));
        assert_eq!(canonical_id("2_15A", 2).as_deref(), Some("2.15a"));
        assert_eq!(canonical_id("listing 2.9", 2).as_deref(), Some("2.9"));
        assert_eq!(canonical_id("x", 2), None);
        assert_eq!(canonical_id("2.", 2), None);
    }

    #[test]
    fn urls_are_checked() {
        assert!(check_url("http://127.0.0.1:8080").is_ok());
        assert!(check_url("https://example.com/path").is_ok());
        assert!(check_url("example.com").is_err());
        assert!(check_url("ftp://example.com").is_err());
        assert!(check_url("http://").is_err());
    }

    static OPTIONS: &[Opt] = &[
        Opt::number("idle-timeout", "seconds"),
        Opt::text("out", "a file"),
        Opt::flag("script", "scripted mode"),
    ];
    static EMPTY: Chapter = Chapter {
        number: 99,
        title: "test",
        listings: &[],
        sets: &[],
        workers: &[],
    };

    fn parse(
        args: &[&str],
    ) -> Result<std::collections::BTreeMap<&'static str, String>, clap::Error> {
        let args = std::iter::once("chapter99")
            .chain(args.iter().copied())
            .map(Into::into);
        parse_args(&EMPTY, OPTIONS, args).map(|(_, extra)| extra)
    }

    #[test]
    fn chapter_options_are_parsed_and_checked() {
        let mut ctx = Ctx {
            options: parse(&["8.13", "--idle-timeout", "5", "--out", "x.txt", "--script"]).unwrap(),
            ..Ctx::default()
        };
        assert_eq!(ctx.number("idle-timeout", 60), 5);
        assert_eq!(ctx.text("out"), Some("x.txt"));
        assert!(ctx.flag("script"));

        let none = parse(&["8.13"]).unwrap();
        ctx.options = none;
        assert_eq!(ctx.number("idle-timeout", 60), 60);
        assert_eq!(ctx.text("out"), None);
        assert!(!ctx.flag("script"));

        let error = parse(&["8.13", "--idle-timeout", "soon"]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(parse(&["8.13", "--nope"]).is_err());
    }

    #[test]
    fn user_flags_replace_a_sets_flags_of_the_same_name() {
        let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let set = owned(&["--count", "3000000000", "--demo", "--latency-ms", "10"]);
        assert_eq!(
            merge_flags(&set, &owned(&["--count", "1000"])),
            owned(&["--demo", "--latency-ms", "10", "--count", "1000"])
        );
        assert_eq!(merge_flags(&set, &[]), set);
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("2.9", "2.9"), 0);
        assert_eq!(edit_distance("2.99", "2.9"), 1);
        assert_eq!(edit_distance("abc", "xyz"), 3);
    }
}
