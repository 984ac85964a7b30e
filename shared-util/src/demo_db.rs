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
//! [`products`](crate::products)' business.
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

use std::collections::VecDeque;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

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

/// A connection string, and the same with its password hidden for
/// messages. `Display` and `Debug` show the hidden form, so printing one
/// never leaks the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    shown: String,
}

impl DatabaseUrl {
    /// Accepts `postgres://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE]` (or
    /// `postgresql://`) that tokio-postgres can use; the error says why not.
    pub fn parse(url: &str) -> Result<Self, String> {
        let hint = "give a URL like postgres://USER:PASSWORD@HOST:PORT/DATABASE";
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(format!("invalid --database-url: {hint}"));
        }
        let shown = hide_password(url);
        url.parse::<tokio_postgres::Config>()
            .map_err(|e| format!("invalid --database-url '{shown}': {e}; {hint}"))?;
        Ok(Self {
            url: url.to_owned(),
            shown,
        })
    }

    /// The full connection string, password included: for connecting only.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The connection string with `***` for the password.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The driver's configuration for this URL.
    pub fn config(&self) -> tokio_postgres::Config {
        self.url
            .parse()
            .expect("checked when the DatabaseUrl was made")
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

/// `postgres://ann:secret@host/db` → `postgres://ann:***@host/db`, and a
/// `password=` in the query (`?user=ann&password=secret`) the same way.
fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => param.to_owned(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// The directory holding `initdb` and `postgres`, if this machine has
/// PostgreSQL: first `PATH`, then the newest `/usr/lib/postgresql/*/bin`.
pub fn server_programs() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    let from_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| has_both(dir))
        // initdb looks for postgres beside its real self, not a symlink.
        .and_then(|dir| dir.join("initdb").canonicalize().ok())
        .and_then(|initdb| initdb.parent().map(Path::to_path_buf));
    from_path.filter(|dir| has_both(dir)).or_else(|| {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .flatten()
            .filter_map(|entry| {
                let version = entry.file_name().to_str()?.parse().ok()?;
                Some((version, entry.path().join("bin")))
            })
            .filter(|(_, bin)| has_both(bin))
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    })
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

/// Who the server runs as: ourselves, or (as root) an unprivileged user.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
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

/// As root: the `postgres` user (else `nobody`), read from /etc/passwd.
fn run_as() -> anyhow::Result<Option<RunAs>> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let user = |name: &str| {
        passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.len() > 3 && fields[0] == name).then(|| RunAs {
                uid: fields[2].parse().unwrap_or(0),
                gid: fields[3].parse().unwrap_or(0),
            })
        })
    };
    match user("postgres").or_else(|| user("nobody")) {
        Some(run_as) if run_as.uid != 0 => Ok(Some(run_as)),
        _ => bail!(
            "PostgreSQL refuses to run as root, and there is no postgres or nobody user to run it as; run as another user, or pass --database-url"
        ),
    }
}

/// A fresh `rct-demo-db-PID-N` directory under `temp`, owned by the user
/// the server runs as.
fn make_root(temp: &Path, run_as: Option<RunAs>) -> anyhow::Result<PathBuf> {
    for n in 0..1000 {
        let root = temp.join(format!("{DIR_PREFIX}{}-{n}", std::process::id()));
        match std::fs::create_dir(&root) {
            Ok(()) => {
                if let Some(user) = run_as {
                    std::os::unix::fs::chown(&root, Some(user.uid), Some(user.gid)).with_context(
                        || format!("could not hand {} to the postgres user", root.display()),
                    )?;
                }
                return Ok(root);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(e).with_context(|| format!("could not create {}", root.display()));
            }
        }
    }
    bail!("could not find a free directory name in {}", temp.display())
}

/// Deletes demo-database directories in `temp` whose run has ended
/// without deleting its own (its supervisor was killed too).
pub fn remove_stale(temp: &Path) {
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(DIR_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if Path::new(&format!("/proc/{pid}")).exists() {
            continue; // its run is alive (or the pid was reused: leave it)
        }
        // A server may still run there, its supervisor gone: stop it first.
        let data = entry.path().join("data");
        if let Some(server) = std::fs::read_to_string(data.join("postmaster.pid"))
            .ok()
            .and_then(|text| text.lines().next()?.trim().parse::<i32>().ok())
            && std::fs::read_link(format!("/proc/{server}/cwd")).is_ok_and(|cwd| cwd == data)
        {
            let pid = nix::unistd::Pid::from_raw(server);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

/// Runs `initdb` into `root/data`, bounded.
fn initdb(bin: &Path, root: &Path, run_as: Option<RunAs>) -> anyhow::Result<()> {
    let mut command = Command::new(bin.join("initdb"));
    command
        .args(["-D"])
        .arg(root.join("data"))
        .args(["-U", DEMO_USER, "-A", "trust", "-E", "UTF8", "--locale=C"])
        .arg("--no-sync")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    as_user(&mut command, run_as);
    let mut child = command.spawn().context("could not run initdb")?;
    let deadline = Instant::now() + START_BOUND;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("initdb took longer than {START_BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if !status.success() {
        let mut output = String::new();
        if let Some(mut err) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut err, &mut output);
        }
        let hint = if run_as.is_some() {
            format!(
                " (as root it runs as the postgres user, which must be able to reach {})",
                root.display()
            )
        } else {
            String::new()
        };
        bail!("initdb failed{hint}: {}", output.trim());
    }
    Ok(())
}

fn as_user(command: &mut Command, run_as: Option<RunAs>) {
    use std::os::unix::process::CommandExt as _;
    if let Some(user) = run_as {
        command.uid(user.uid).gid(user.gid);
    }
}

/// The supervisor: starts the server, stops it on SIGINT/SIGTERM/SIGHUP
/// (fast shutdown), waits for it to end, then deletes the directory.
/// `$1` is the directory, the rest the server's command line.
const SUPERVISOR: &str = r#"root=$1; shift
trap 'stop=1; [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null' INT TERM HUP
"$@" >&2 &
pid=$!
echo "$pid"
[ -n "$stop" ] && kill -INT "$pid" 2>/dev/null
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; done
rm -rf "$root"
"#;

/// The keeper thread: starts the supervisor, reports readiness, waits
/// for the word to stop, stops. It lives as long as the server, because
/// the supervisor's death signal is tied to the thread that forked it.
fn keep(
    bin: &Path,
    root: &Path,
    run_as: Option<RunAs>,
    ready: &mpsc::Sender<anyhow::Result<(DatabaseUrl, String)>>,
    stop: &mpsc::Receiver<()>,
) {
    let log = Arc::new(Mutex::new(VecDeque::new()));
    let started =
        supervise(bin, root, run_as, &log).and_then(
            |(child, server, port)| match wait_until_ready(port, &log, child) {
                Ok((child, url, version)) => Ok((child, server, url, version)),
                Err((child, e)) => {
                    stop_server(child, server, root);
                    Err(e)
                }
            },
        );
    match started {
        Ok((child, server, url, version)) => {
            let _ = ready.send(Ok((url, version)));
            // Returns on the word to stop, or when the DemoDatabase is gone.
            let _ = stop.recv();
            stop_server(child, server, root);
        }
        Err(e) => {
            let _ = ready.send(Err(e));
        }
    }
}

/// Starts `sh -c SUPERVISOR` running `postgres` on a free port; returns
/// the supervisor, the server's pid and the port.
fn supervise(
    bin: &Path,
    root: &Path,
    run_as: Option<RunAs>,
    log: &Arc<Mutex<VecDeque<String>>>,
) -> anyhow::Result<(Child, i32, u16)> {
    let port = crate::net::bind_loopback_backlog(0, 1)?
        .local_addr()?
        .port();
    let data = root.join("data");
    let mut command = Command::new("/bin/sh");
    command
        .args(["-c", SUPERVISOR, "demo-database"])
        .arg(root)
        .arg(bin.join("postgres"))
        .arg("-D")
        .arg(&data)
        .arg("-k")
        .arg(&data)
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
        .args(["-c", "full_page_writes=off", "-c", "log_checkpoints=off"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    as_user(&mut command, run_as);
    end_with_this_thread(&mut command);
    let mut child = command.spawn().context("could not start postgres")?;

    // The server's log, kept for error messages: the last lines only.
    if let Some(stderr) = child.stderr.take() {
        let log = Arc::clone(log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
                if log.len() == 20 {
                    log.pop_front();
                }
                log.push_back(line);
            }
        });
    }
    let mut pid_line = String::new();
    if let Some(stdout) = child.stdout.take() {
        BufReader::new(stdout).read_line(&mut pid_line)?;
    }
    let server = pid_line
        .trim()
        .parse()
        .context("the demo database's supervisor did not start postgres")?;
    Ok((child, server, port))
}

/// Asks the kernel to SIGTERM the supervisor when the thread that starts
/// it ends (the whole run dying included), so its trap stops the server.
#[allow(unsafe_code)]
fn end_with_this_thread(command: &mut Command) {
    use std::os::unix::process::CommandExt as _;
    let parent = nix::unistd::getpid();
    // Safety: the closure runs in the forked child before exec; it only
    // makes two system calls (prctl, getppid), both async-signal-safe, and
    // allocates nothing. It runs after std's setuid, which would otherwise
    // clear the death signal.
    unsafe {
        command.pre_exec(move || {
            nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGTERM)
                .map_err(std::io::Error::from)?;
            if nix::unistd::getppid() != parent {
                // The run died before the line above took effect.
                return Err(std::io::Error::other("the demo database's parent is gone"));
            }
            Ok(())
        });
    }
}

/// Connects until the server answers (bounded), then creates `products`.
/// On failure, gives the supervisor back so the caller can stop it.
fn wait_until_ready(
    port: u16,
    log: &Arc<Mutex<VecDeque<String>>>,
    mut child: Child,
) -> Result<(Child, DatabaseUrl, String), (Child, anyhow::Error)> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return Err((child, e.into())),
    };
    let admin = format!("postgres://{DEMO_USER}@127.0.0.1:{port}/postgres?connect_timeout=2");
    let deadline = Instant::now() + START_BOUND;
    let log_tail = || {
        let log = log.lock().unwrap_or_else(|e| e.into_inner());
        log.iter().cloned().collect::<Vec<_>>().join("\n")
    };
    let client = loop {
        if let Ok(Some(status)) = child.try_wait() {
            let e = anyhow::anyhow!(
                "postgres exited ({status}) before accepting connections:\n{}",
                log_tail()
            );
            return Err((child, e));
        }
        if Instant::now() > deadline {
            let e = anyhow::anyhow!(
                "postgres did not accept connections within {START_BOUND:?}:\n{}",
                log_tail()
            );
            return Err((child, e));
        }
        let attempt = runtime.block_on(async {
            let (client, connection) =
                tokio_postgres::connect(&admin, tokio_postgres::NoTls).await?;
            tokio::spawn(connection);
            anyhow::Ok(client)
        });
        match attempt {
            Ok(client) => break client,
            Err(_) => std::thread::sleep(Duration::from_millis(25)),
        }
    };
    let created = runtime.block_on(async {
        client
            .batch_execute(&format!("CREATE DATABASE {DEMO_DATABASE}"))
            .await?;
        let row = client.query_one("SHOW server_version", &[]).await?;
        let version: String = row.get(0);
        anyhow::Ok(version.split_whitespace().next().unwrap_or("").to_owned())
    });
    drop(client);
    match created {
        Ok(version) => {
            let url = format!("postgres://{DEMO_USER}@127.0.0.1:{port}/{DEMO_DATABASE}");
            let url = DatabaseUrl::parse(&url).expect("a well-formed URL");
            Ok((child, url, version))
        }
        Err(e) => Err((child, e.context("could not create the products database"))),
    }
}

/// Stops the server through its supervisor (which deletes the directory);
/// if that takes longer than [`STOP_BOUND`], kills both and deletes it here.
fn stop_server(mut child: Child, server: i32, root: &Path) {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let supervisor = Pid::from_raw(i32::try_from(child.id()).unwrap_or(i32::MAX));
    let _ = kill(supervisor, Signal::SIGTERM);
    let deadline = Instant::now() + STOP_BOUND;
    loop {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => break,
            Ok(None) if Instant::now() > deadline => {
                let _ = kill(Pid::from_raw(server), Signal::SIGKILL);
                let _ = child.kill();
                let _ = child.wait();
                break;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    let _ = std::fs::remove_dir_all(root);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            hide_password("postgres://ann:secret@db.local:5432/products"),
            "postgres://ann:***@db.local:5432/products"
        );
        assert_eq!(
            hide_password("postgres://ann@127.0.0.1/x"),
            "postgres://ann@127.0.0.1/x"
        );
        let url = DatabaseUrl::parse("postgresql://u:p%40ss@h:1/d").unwrap();
        assert_eq!(url.to_string(), "postgresql://u:***@h:1/d");
        assert_eq!(format!("{url:?}"), "postgresql://u:***@h:1/d");
        assert!(DatabaseUrl::parse("mysql://h/d").is_err());
        assert!(DatabaseUrl::parse("http://h/d").is_err());
        // The password may come as a query parameter instead.
        let url =
            DatabaseUrl::parse("postgres://127.0.0.1:1/products?user=me&password=hunter2").unwrap();
        assert_eq!(
            url.to_string(),
            "postgres://127.0.0.1:1/products?user=me&password=***"
        );
        assert_eq!(
            hide_password("postgres://a:b@h/d?PASSWORD=c&sslmode=disable"),
            "postgres://a:***@h/d?PASSWORD=***&sslmode=disable"
        );
    }
}
