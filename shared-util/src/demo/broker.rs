//! The demo broker: a throwaway Redis server, the offline stand-in for the
//! broker a real order system puts its queue in (chapter 12's 12.11 and
//! 12.12; `--redis-url` replaces it with a server of the user's).
//!
//! [`DemoRedis::start`] runs the machine's own `redis-server` (found in
//! `PATH`) on 127.0.0.1 and a free port, in a fresh directory in the temp
//! dir, with nothing saved to disk: it lives for one run, and its data
//! with it. It goes away however the run ends, as the demo database does
//! (see [`database`](super::database)): dropping it stops the server and
//! deletes the directory; on Ctrl-C, SIGTERM or SIGKILL of the run the
//! supervisor `sh` does the same; and if the supervisor was killed too,
//! the next start of any chapter binary sweeps the directory
//! ([`remove_stale`]).

use std::collections::VecDeque;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use super::supervised::{stop_server, supervisor};

/// What the directories of demo brokers are called in the temp dir:
/// `rct-demo-redis-PID-N`.
pub const DIR_PREFIX: &str = "rct-demo-redis-";

/// The one line that says how to get a broker when there is none.
pub const NO_REDIS: &str = "no redis-server found in PATH: install it (apt-get install redis-server; macOS: brew install redis), or pass --redis-url redis://HOST:PORT";

/// The longest the server may take to answer its first PING.
const START_BOUND: Duration = Duration::from_secs(10);

/// The longest a shutdown may take before the server is killed.
const STOP_BOUND: Duration = Duration::from_secs(5);

/// A running demo broker; dropping it stops the server and deletes its
/// directory.
pub struct DemoRedis {
    url: String,
    version: String,
    root: PathBuf,
    /// Tells the keeper thread to stop the server (or, dropped, the same).
    stop: Option<mpsc::Sender<()>>,
    /// The thread that started the supervisor and must outlive it: the
    /// kernel signals the supervisor when the thread that forked it ends.
    keeper: Option<std::thread::JoinHandle<()>>,
    /// Says on Ctrl-C that the broker goes with the run.
    _note: crate::signals::NoteOnSignal,
}

impl std::fmt::Debug for DemoRedis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoRedis")
            .field("url", &self.url)
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl DemoRedis {
    /// Starts a server and returns when it answers PING. Fails with one
    /// line saying what to do when Redis is not installed.
    pub fn start() -> anyhow::Result<Self> {
        let program = host_tools::redis().ok_or_else(|| anyhow::anyhow!(NO_REDIS))?;
        let started = Instant::now();
        let temp = std::env::temp_dir();
        remove_stale(&temp);
        let root = make_root(&temp)?;
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let keeper_root = root.clone();
        let keeper = std::thread::Builder::new()
            .name("demo-broker".into())
            .spawn(move || keep(&program, &keeper_root, &ready_tx, &stop_rx))
            .context("could not start the demo broker's thread")?;
        let ready = ready_rx
            .recv_timeout(START_BOUND + Duration::from_secs(5))
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the demo broker did not start in time")));
        let (url, version) = match ready {
            Ok(ready) => ready,
            Err(e) => {
                drop(stop_tx);
                let _ = keeper.join();
                let _ = std::fs::remove_dir_all(&root);
                return Err(e.context("could not start the demo broker (redis-server)"));
            }
        };
        eprintln!(
            "demo broker: Redis {version} at {url}, started in {:.2} s (removed when this run ends)",
            started.elapsed().as_secs_f64()
        );
        Ok(Self {
            url,
            version,
            root,
            stop: Some(stop_tx),
            keeper: Some(keeper),
            _note: crate::signals::note_on_signal(
                "the demo broker is stopped and its directory removed by its supervisor",
            ),
        })
    }

    /// Where to connect: `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The server's version, e.g. `7.0.15`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The directory the server runs in (deleted at the end).
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Drop for DemoRedis {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(keeper) = self.keeper.take() {
            let _ = keeper.join();
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Deletes demo-broker directories in `temp` whose run has ended without
/// deleting its own, stopping a server still running there.
pub fn remove_stale(temp: &Path) {
    super::supervised::remove_stale(temp, DIR_PREFIX, |dir| {
        let pid = std::fs::read_to_string(dir.join("redis.pid"))
            .ok()?
            .trim()
            .parse()
            .ok()?;
        Some((pid, dir.to_path_buf()))
    });
}

/// A fresh `rct-demo-redis-PID-N` directory under `temp`, for this user only.
fn make_root(temp: &Path) -> anyhow::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt as _;
    for n in 0..1000 {
        let root = temp.join(format!("{DIR_PREFIX}{}-{n}", std::process::id()));
        match std::fs::DirBuilder::new().mode(0o700).create(&root) {
            Ok(()) => return Ok(root),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(e).with_context(|| format!("could not create {}", root.display()));
            }
        }
    }
    bail!("could not find a free directory name in {}", temp.display())
}

/// The keeper thread: starts the supervisor, reports readiness, waits for
/// the word to stop, stops.
fn keep(
    program: &Path,
    root: &Path,
    ready: &mpsc::Sender<anyhow::Result<(String, String)>>,
    stop: &mpsc::Receiver<()>,
) {
    let log = Arc::new(Mutex::new(VecDeque::new()));
    let started =
        supervise(program, root, &log).and_then(
            |(mut child, server, port)| match wait_until_ready(port, &log, &mut child) {
                Ok(version) => Ok((child, server, port, version)),
                Err(e) => {
                    stop_server(child, server, root, STOP_BOUND);
                    Err(e)
                }
            },
        );
    match started {
        Ok((child, server, port, version)) => {
            let _ = ready.send(Ok((format!("redis://127.0.0.1:{port}"), version)));
            // Returns on the word to stop, or when the DemoRedis is gone.
            let _ = stop.recv();
            stop_server(child, server, root, STOP_BOUND);
        }
        Err(e) => {
            let _ = ready.send(Err(e));
        }
    }
}

/// Starts `redis-server` under the supervisor on a free port; returns the
/// supervisor, the server's pid and the port.
fn supervise(
    program: &Path,
    root: &Path,
    log: &Arc<Mutex<VecDeque<String>>>,
) -> anyhow::Result<(Child, i32, u16)> {
    let port = crate::net::bind_loopback_backlog(0, 1)?
        .local_addr()?
        .port();
    let mut command = supervisor("demo-broker", root);
    command
        .arg(program)
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .arg("--dir")
        .arg(root)
        .arg("--pidfile")
        .arg(root.join("redis.pid"))
        // Nothing goes to disk: the data lives as long as the run.
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .args(["--logfile", "", "--loglevel", "warning"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().context("could not start redis-server")?;
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
        .context("the demo broker's supervisor did not start redis-server")?;
    Ok((child, server, port))
}

/// Asks until the server answers PING (bounded); returns its version.
fn wait_until_ready(
    port: u16,
    log: &Arc<Mutex<VecDeque<String>>>,
    child: &mut Child,
) -> anyhow::Result<String> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + START_BOUND;
    let log_tail = || {
        let log = log.lock().unwrap_or_else(|e| e.into_inner());
        log.iter().cloned().collect::<Vec<_>>().join("\n")
    };
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            bail!(
                "redis-server exited ({status}) before answering:\n{}",
                log_tail()
            );
        }
        if Instant::now() > deadline {
            bail!(
                "redis-server did not answer within {START_BOUND:?}:\n{}",
                log_tail()
            );
        }
        if let Ok(info) = ask(address, "INFO server") {
            let version = info
                .lines()
                .find_map(|line| line.strip_prefix("redis_version:"))
                .unwrap_or("?")
                .trim()
                .to_owned();
            return Ok(version);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Sends one inline command and reads its whole reply (a simple line or
/// a bulk string), with a short bound: enough to see the server is up.
fn ask(address: SocketAddr, command: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_millis(200))?;
    stream.set_read_timeout(Some(Duration::from_secs(1)))?;
    stream.write_all(format!("{command}\r\n").as_bytes())?;
    let mut reader = BufReader::new(stream);
    let mut first = String::new();
    reader.read_line(&mut first)?;
    match first.as_bytes().first() {
        Some(b'$') => {
            let len: usize = first[1..].trim().parse().map_err(std::io::Error::other)?;
            let mut body = vec![0; len];
            reader.read_exact(&mut body)?;
            Ok(String::from_utf8_lossy(&body).into_owned())
        }
        Some(b'+') => Ok(first[1..].trim().to_owned()),
        _ => Err(std::io::Error::other(first.trim().to_owned())),
    }
}
