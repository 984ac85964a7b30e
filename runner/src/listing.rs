//! One listing as a chapter registers it: its id, title, source, entry
//! point and what it declares (runtime, clock, kind, the shared flags it
//! reads), and the [`listing!`](crate::listing) macro that builds it.

use std::future::Future;
use std::pin::Pin;

use shared_util::Ctx;
use shared_util::ctx::Flavor;
use shared_util::flags::{Flag, FlagSet};

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

impl Kind {
    /// `plain`, `server` or `interactive`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Plain => "plain",
            Kind::Server => "server",
            Kind::Interactive => "interactive",
        }
    }
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
    /// The last of the book's listings this one stands for, when it covers
    /// several (`7.13` covers 7.13–7.15, so `through` is `Some("7.15")`).
    pub through: Option<&'static str>,
    /// The shared listing flags it reads (`--url`, `--count`, ...): any
    /// other given to a run of it is a usage error.
    pub flags: FlagSet,
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
            through: None,
            flags: FlagSet::EMPTY,
        }
    }

    /// Declares the shared flags the listing reads:
    /// `.takes(&[Flag::Url, Flag::Requests])`.
    pub const fn takes(mut self, flags: &[Flag]) -> Self {
        self.flags = self.flags.with(FlagSet::of(flags));
        self
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

    /// Marks a server (runs until Ctrl-C unless `--demo`); a server reads
    /// `--port` and `--demo`.
    pub const fn server(mut self) -> Self {
        self.kind = Kind::Server;
        self.flags = self.flags.with(FlagSet::of(&[Flag::Port, Flag::Demo]));
        self
    }

    /// Marks a listing that needs a person at the keyboard.
    pub const fn interactive(mut self) -> Self {
        self.kind = Kind::Interactive;
        self
    }

    /// Marks a listing that stands for the book's listings from its own id
    /// up to `last` (`.through("7.15")`), so asking for one of them points
    /// here.
    pub const fn through(mut self, last: &'static str) -> Self {
        self.through = Some(last);
        self
    }
}

/// Registers a listing module in a chapter's table.
///
/// `listing!("2.9", l09_multiple_tasks, "Three tasks ...")` for a module with
/// `pub async fn run(ctx: &Ctx) -> anyhow::Result<()>`;
/// `listing!(sync "2.21", l21_manual_runtime, "...")` for one with a plain
/// `pub fn run`. Chain `.timers()`, `.multi_thread()`, `.server()`,
/// `.interactive()`, `.through(id)` or `.takes(&[Flag::Url, ...])` (the
/// shared flags it reads) to declare more. The module's file is embedded
/// with `include_str!` for `walk` and `--source`.
#[macro_export]
macro_rules! listing {
    ($id:literal, $module:ident, $title:literal) => {
        $crate::Listing::new(
            $id,
            $title,
            ::std::stringify!($module),
            ::std::include_str!(::std::concat!(::std::stringify!($module), ".rs")),
            $crate::Entry::Async({
                fn entry(ctx: &$crate::Ctx) -> $crate::LocalBoxFuture<'_, ::anyhow::Result<()>> {
                    ::std::boxed::Box::pin($module::run(ctx))
                }
                entry
            }),
        )
    };
    (sync $id:literal, $module:ident, $title:literal) => {
        $crate::Listing::new(
            $id,
            $title,
            ::std::stringify!($module),
            ::std::include_str!(::std::concat!(::std::stringify!($module), ".rs")),
            $crate::Entry::Sync($module::run),
        )
    };
}
