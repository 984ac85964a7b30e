//! The demo database: a throwaway PostgreSQL server, the offline stand-in
//! for the book's Postgres at 127.0.0.1:5432.
//!
//! [`DemoDatabase::start`] runs the machine's own PostgreSQL (`initdb` and
//! `postgres`, found in `PATH` or `/usr/lib/postgresql/*/bin`) on a fresh
//! data directory in the temp dir: 127.0.0.1 only, a free port, one user
//! `postgres`, an empty database `products`. Listings never call it:
//! [`Ctx::database_url`](crate::Ctx::database_url) starts one on first use,
//! every listing of the run shares it, and `--database-url` replaces it
//! with a server of the user's. What goes into `products` is
//! [`products`](crate::demo::products)' business.
//!
//! It is thrown away, so it is tuned for speed, not safety: `initdb
//! --no-sync`, and `fsync`, `synchronous_commit` and `full_page_writes` off
//! (a crash loses data that is deleted anyway). Trust authentication is
//! enough: the server listens on loopback only, its socket sits in its
//! 0700 data directory, and it lives for one run.
//!
//! It goes away however the run ends:
//! - a normal end: dropping the [`DemoDatabase`] stops the server (a fast
//!   shutdown, bounded) and deletes the directory;
//! - Ctrl-C, SIGTERM, SIGKILL: `postgres` runs under a tiny `sh`
//!   supervisor that the kernel signals when the run dies
//!   (`PR_SET_PDEATHSIG`); it stops the server, waits for it and deletes
//!   the directory;
//! - the supervisor killed too (`kill -9` of the whole process group): the
//!   directory's name carries the run's pid, and the next start of any
//!   chapter binary deletes the directories of runs that are gone
//!   ([`remove_stale`], called by the runner before anything else).
//!
//! PostgreSQL refuses to run as root: as root (a container, CI), `initdb`
//! and the server run as the `postgres` user (or `nobody`), which owns
//! the directory. That user must be able to reach the temp dir, and to
//! delete entries in it for the supervisor's cleanup, as it can in /tmp
//! (sticky, open to all); elsewhere an empty directory may stay after a
//! SIGKILL, until the next start removes it.

mod cluster;
pub mod connect;
mod supervisor;
mod url;

pub use url::DatabaseUrl;

use cluster::{initdb, make_root, run_as};
use supervisor::keep;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// The user the demo database trusts.
pub const DEMO_USER: &str = "postgres";

/// The database listings use.
pub const DEMO_DATABASE: &str = "products";

/// What the directories of demo databases are called in the temp dir:
/// `rct-demo-db-PID-N`.
pub const DIR_PREFIX: &str = "rct-demo-db-";

/// The one line that says how to get a database when there is none.
pub const NO_POSTGRES: &str = "no PostgreSQL server program found (looked for initdb and postgres in PATH and /usr/lib/postgresql/*/bin): install the postgresql package (apt-get install postgresql), or pass --database-url postgres://USER:PASSWORD@HOST:PORT/DATABASE";

/// The longest the server may take to accept its first connection.
const START_BOUND: Duration = Duration::from_secs(30);

/// The longest a fast shutdown may take before the server is killed.
const STOP_BOUND: Duration = Duration::from_secs(10);

/// The directory holding `initdb` and `postgres`, if this machine has
/// PostgreSQL (found by [`host_tools::postgres`]: `PATH`, then the newest
/// `/usr/lib/postgresql/*/bin`).
pub fn server_programs() -> Option<PathBuf> {
    host_tools::postgres()
}

/// A running demo database; dropping it stops the server and deletes its
/// directory.
pub struct DemoDatabase {
    url: DatabaseUrl,
    version: String,
    root: PathBuf,
    startup: Duration,
    /// Tells the keeper thread to stop the server (or, dropped, the same).
    stop: Option<mpsc::Sender<()>>,
    /// The thread that started the supervisor and must outlive it: the
    /// kernel signals the supervisor when the thread that forked it ends.
    keeper: Option<std::thread::JoinHandle<()>>,
    /// Says on Ctrl-C that the database goes with the run.
    _note: crate::signals::NoteOnSignal,
}

impl std::fmt::Debug for DemoDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoDatabase")
            .field("url", &self.url)
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl DemoDatabase {
    /// Starts a server, creates the `products` database and returns when it
    /// accepts connections; a progress line shows on stderr meanwhile. Fails
    /// with one line saying what to do when PostgreSQL is not installed.
    pub fn start() -> anyhow::Result<Self> {
        let bin = server_programs().ok_or_else(|| anyhow::anyhow!(NO_POSTGRES))?;
        let started = Instant::now();
        remove_stale(&std::env::temp_dir());
        let run_as = run_as()?;
        let root = make_root(&std::env::temp_dir(), run_as)?;
        let progress = crate::progress::spinner("demo database");

        progress.set_message("initdb (first use in this run)");
        if let Err(e) = initdb(&bin, &root, run_as) {
            let _ = std::fs::remove_dir_all(&root);
            progress.finish_and_clear();
            return Err(e);
        }
        progress.set_message("starting postgres");
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let keeper_root = root.clone();
        let keeper = std::thread::Builder::new()
            .name("demo-database".into())
            .spawn(move || keep(&bin, &keeper_root, run_as, &ready_tx, &stop_rx))
            .context("could not start the demo database's thread")?;
        let ready = ready_rx
            .recv_timeout(START_BOUND + Duration::from_secs(5))
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the demo database did not start in time")));
        progress.finish_and_clear();
        let (url, version) = match ready {
            Ok(ready) => ready,
            Err(e) => {
                drop(stop_tx);
                let _ = keeper.join();
                let _ = std::fs::remove_dir_all(&root);
                return Err(e.context("could not start the demo database"));
            }
        };
        let database = Self {
            url,
            version,
            root,
            startup: started.elapsed(),
            stop: Some(stop_tx),
            keeper: Some(keeper),
            _note: crate::signals::note_on_signal(
                "the demo database is stopped and its directory removed by its supervisor",
            ),
        };
        eprintln!(
            "demo database: PostgreSQL {} at {}, started in {:.1} s (removed when this run ends)",
            database.version,
            database.url,
            database.startup.as_secs_f64()
        );
        Ok(database)
    }

    /// Where to connect: `postgres://postgres@127.0.0.1:PORT/products`.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The server's version, e.g. `15.18`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The directory holding the data and the socket (deleted at the end).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How long the start took, initdb included.
    pub fn startup(&self) -> Duration {
        self.startup
    }
}

impl Drop for DemoDatabase {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(keeper) = self.keeper.take() {
            let _ = keeper.join();
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Deletes demo-database directories in `temp` whose run has ended
/// without deleting its own (its supervisor was killed too), stopping a
/// server still running there.
pub fn remove_stale(temp: &Path) {
    crate::demo::supervised::remove_stale(temp, DIR_PREFIX, |dir| {
        let data = dir.join("data");
        let pid = std::fs::read_to_string(data.join("postmaster.pid"))
            .ok()?
            .lines()
            .next()?
            .trim()
            .parse()
            .ok()?;
        Some((pid, data))
    });
}
