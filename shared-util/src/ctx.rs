//! [`Ctx`]: what a listing can read about the run it is part of.
//!
//! Every async listing is `pub async fn run(ctx: &Ctx)`, every thread or
//! process listing `pub fn run(ctx: &Ctx)`. The runner fills the `Ctx` from
//! the command line: the flags every chapter shares (`--url`, `--count`,
//! `--port`, ...) are `ctx.flags`, typed; the options of one chapter are a typed struct
//! read with [`Ctx::options`]. The in-process demo server is started on
//! first use, so a listing that never fetches a page never pays for it;
//! so is the demo database ([`Ctx::database_url`]).
//!
//! Also here: [`usage`] for a listing that finds the user's value wrong
//! (exit code 2, not "listing failed"), [`Flavor`] for the runtime a
//! listing runs on, and [`worker_command`] for listings that re-run their
//! own binary as a child process.

use std::any::Any;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::demo::database::{DatabaseUrl, DemoDatabase};
use crate::demo::server::{DemoConfig, DemoServer};
use crate::flags::ListingFlags;

/// Which Tokio runtime a listing runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// What a listing can read about the run: the options it was given and,
/// on demand, the in-process demo server.
#[derive(Debug)]
pub struct Ctx {
    /// The listing options every chapter shares (`--url`, `--count`,
    /// `--port`, ...), each already parsed into its type.
    pub flags: ListingFlags,
    /// Whether this run is on a paused (virtual) clock.
    pub virtual_time: bool,
    /// The runtime this listing runs on.
    pub flavor: Flavor,
    /// Worker threads of the multi-thread runtime, when set.
    pub workers: Option<usize>,
    /// The chapter's own options, a typed struct (see [`Ctx::options`]).
    options: Option<Arc<dyn Any + Send + Sync>>,
    /// Started on first use and shared by every listing of an `all` run.
    server: OnceLock<DemoServer>,
    /// The demo database, started on first use like the demo server and
    /// shared the same way; dropped (stopped, deleted) with the `Ctx`.
    database: OnceLock<DemoDatabase>,
}

impl Default for Ctx {
    fn default() -> Self {
        Self {
            flags: ListingFlags::default(),
            virtual_time: false,
            flavor: Flavor::CurrentThread,
            workers: None,
            options: None,
            server: OnceLock::new(),
            database: OnceLock::new(),
        }
    }
}

impl Ctx {
    /// `--count`, or the listing's `default`.
    pub fn count_or(&self, default: u64) -> u64 {
        self.flags.count.unwrap_or(default)
    }

    /// CPU work for a listing: `--count` when given, otherwise a count this
    /// machine finishes in about `seconds` (times `--scale`). Print it
    /// (`println!("{work}")`) so the output says what was counted.
    pub fn cpu_work(&self, seconds: f64) -> crate::cpu::Work {
        match self.flags.count {
            Some(count) => crate::cpu::Work::fixed(count),
            None => crate::cpu::Work::lasting(self.scaled(seconds)),
        }
    }

    /// `--latency-ms`, or the listing's `default`: how long the server a
    /// listing talks to should take to answer.
    pub fn latency_or(&self, default: Duration) -> Duration {
        self.flags.latency().unwrap_or(default)
    }

    /// The page to fetch for a listing whose lesson is waiting on the
    /// network: `--url` when given; with `--latency-ms` the demo server's
    /// root (the server adds that latency to every request); otherwise the
    /// demo server's `/delay/{ms}` with the listing's `default` latency, so
    /// the wait shows on a default run.
    pub fn url_with_latency(&self, default: Duration) -> anyhow::Result<String> {
        match self.flags.latency_ms {
            Some(_) => self.url(),
            None => self.url_for(&format!("/delay/{}", default.as_millis())),
        }
    }

    /// The in-process demo server, started on first use, with its latency
    /// set to `--latency-ms` or the listing's `default`: for a listing that
    /// fetches many pages of it and whose lesson is waiting on the network
    /// (12.4's crawl). The runner sets the latency back before the next
    /// listing of the run.
    pub fn demo_server_with_latency(&self, default: Duration) -> anyhow::Result<&DemoServer> {
        let server = self.demo_server()?;
        server.set_latency(self.latency_or(default));
        Ok(server)
    }

    /// `--requests`, or the listing's `default`.
    pub fn requests_or(&self, default: usize) -> usize {
        self.flags.requests.unwrap_or(default)
    }

    /// One of the book's waits, given in seconds, multiplied by `--scale`:
    /// `ctx.scaled(10.0)` is 10 s normally and 1 s with `--scale 0.1`.
    pub fn scaled(&self, seconds: f64) -> Duration {
        Duration::from_secs_f64(seconds * self.scale())
    }

    /// `--rounds`, or the listing's `default`.
    pub fn rounds_or(&self, default: u64) -> u64 {
        self.flags.rounds.unwrap_or(default)
    }

    /// `--limit`, or the listing's `default`.
    pub fn limit_or(&self, default: usize) -> usize {
        self.flags.limit.unwrap_or(default)
    }

    /// `--port`, or the listing's `default`.
    pub fn port_or(&self, default: u16) -> u16 {
        self.flags.port.unwrap_or(default)
    }

    /// The chapter's own options, parsed from the command line by the
    /// runner: `ctx.options::<crate::Options>().passwords`. Each chapter
    /// declares them once, as one struct with defaults and help, so a
    /// misspelt option is a compile error rather than a silent default.
    ///
    /// # Panics
    ///
    /// When the runner gave this run no options of type `T` — a mistake in
    /// the program (a chapter reading another type than it registered),
    /// never in the user's input.
    pub fn options<T: Any>(&self) -> &T {
        self.options
            .as_deref()
            .and_then(|options| options.downcast_ref::<T>())
            .unwrap_or_else(|| {
                panic!(
                    "this run carries no chapter options of type {}: register it in the chapter's CHAPTER table",
                    std::any::type_name::<T>()
                )
            })
    }

    /// Sets the chapter's options (the runner does this once per run; a
    /// test may do it by hand).
    pub fn set_options<T: Any + Send + Sync>(&mut self, options: T) {
        self.options = Some(Arc::new(options));
    }

    /// Sets the chapter's options from an already shared value.
    pub fn set_shared_options(&mut self, options: Arc<dyn Any + Send + Sync>) {
        self.options = Some(options);
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

    /// `--url` when given, exactly as given (see [`WebUrl`](crate::flags::WebUrl)
    /// for the rule: `path` is the demo server's), otherwise `path` on the
    /// in-process demo server, e.g. `ctx.url_for("/delay/250")`.
    pub fn url_for(&self, path: &str) -> anyhow::Result<String> {
        match &self.flags.url {
            Some(url) => Ok(url.as_str().to_owned()),
            None => Ok(format!("{}{path}", self.demo_server()?.url())),
        }
    }

    /// `--scale`, 1 when not given.
    pub fn scale(&self) -> f64 {
        self.flags.scale.unwrap_or(1.0)
    }

    /// The in-process demo server, started on first use, even when `--url`
    /// is given (for listings that need a server they can count on).
    pub fn demo_server(&self) -> anyhow::Result<&DemoServer> {
        if let Some(server) = self.server.get() {
            return Ok(server);
        }
        let server = DemoServer::start_with(DemoConfig {
            port: 0,
            latency: self.flags.latency().unwrap_or(Duration::ZERO),
            log: false,
        })?;
        let _ = self.server.set(server);
        Ok(self.server.get().expect("set just above"))
    }

    /// Where the database listings connect: `--database-url` when given,
    /// otherwise the demo database, a throwaway PostgreSQL server started
    /// on first use (a second or so) and shared by every listing of the
    /// run. Its `Display` hides the password, for messages.
    pub fn database_url(&self) -> anyhow::Result<DatabaseUrl> {
        if let Some(url) = &self.flags.database_url {
            return Ok(url.clone());
        }
        if let Some(database) = self.database.get() {
            return Ok(database.url().clone());
        }
        // Another thread may have won the race: then ours is dropped
        // (stopped) and theirs is the one every listing shares.
        let _ = self.database.set(DemoDatabase::start()?);
        Ok(self.database.get().expect("set just above").url().clone())
    }

    /// The demo database, if this run started one (no `--database-url`).
    pub fn demo_database(&self) -> Option<&DemoDatabase> {
        self.database.get()
    }

    /// The in-process demo server if requests go to it (no `--url`) and it
    /// was started: the one whose counters describe this run.
    pub fn local_server(&self) -> Option<&DemoServer> {
        match self.flags.url {
            Some(_) => None,
            None => self.server.get(),
        }
    }
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

/// The hidden first argument that turns a chapter binary into a worker.
pub const WORKER_ARG: &str = "__worker";

/// A `std::process::Command` that runs worker `name` of the current binary
/// (`chapterNN __worker NAME`); add arguments, then spawn it. For async
/// code, wrap it with `tokio::process::Command::from`.
///
/// Listings that need a real child process (a second process counting, a
/// program that prints a million lines) re-run their own binary this way
/// instead of depending on anything installed.
pub fn worker_command(name: &str) -> std::process::Command {
    // current_exe fails only on exotic platforms; fall back to argv[0].
    let exe = std::env::current_exe()
        .unwrap_or_else(|_| PathBuf::from(std::env::args_os().next().unwrap_or_default()));
    let mut command = std::process::Command::new(exe);
    command.arg(WORKER_ARG).arg(name);
    command
}

/// [`worker_command`] for a child that must not outlive its parent (a
/// long-running worker): the kernel sends it SIGTERM when the thread that
/// spawns it ends, the parent's death by SIGKILL included. Spawn it from a
/// thread that lives as long as the child (a listing's own thread, not a
/// blocking-pool thread).
pub fn tied_worker_command(name: &str) -> std::process::Command {
    let mut command = worker_command(name);
    crate::demo::end_with_this_thread(&mut command);
    command
}
