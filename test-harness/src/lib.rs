//! Running a chapter binary from an integration test, with a time bound.
//!
//! Every chapter tests its listings the way a user runs them: the real
//! binary, real flags, stdout and stderr captured. [`run_bin`] kills the
//! child if it outlives its bound, so a listing that hangs fails its test
//! instead of hanging the suite. [`processes_with_marker`] checks the
//! process table for anything a run left alive.

use std::io::{Read, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use runner::Chapter;

/// What a finished run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    /// The exit code; `None` when killed by a signal (or by the bound).
    pub code: Option<i32>,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

impl Run {
    /// The stdout lines, for order checks.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// Indices of every stdout line that starts with `prefix`.
    pub fn positions(&self, prefix: &str) -> Vec<usize> {
        self.lines()
            .iter()
            .enumerate()
            .filter(|(_, line)| line.starts_with(prefix))
            .map(|(index, _)| index)
            .collect()
    }

    /// Index of the first stdout line containing `needle`; panics with the
    /// whole output when there is none.
    pub fn position(&self, needle: &str) -> usize {
        self.lines()
            .iter()
            .position(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("no line contains {needle:?} in:\n{}", self.stdout))
    }
}

/// The longest any single run may take in a test.
pub const BOUND: Duration = Duration::from_secs(120);

/// Runs `bin` with `args`, feeding `stdin` (closed afterwards), and waits at
/// most [`BOUND`]. Panics if it had to kill the child.
pub fn run_bin(bin: impl AsRef<Path>, args: &[&str], stdin: &str) -> Run {
    run_bin_with(bin, args, stdin, &[])
}

/// [`run_bin`] without stdin, expecting exit code 0; on any other exit it
/// fails with both outputs, so the test says what went wrong.
pub fn run_ok(bin: impl AsRef<Path>, args: &[&str]) -> Run {
    let name = bin.as_ref().display().to_string();
    let run = run_bin(bin, args, "");
    assert_eq!(
        run.code,
        Some(0),
        "{name} {args:?} failed\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    run
}

/// [`run_bin`] with extra environment variables, e.g. a [`new_marker`].
pub fn run_bin_with(
    bin: impl AsRef<Path>,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
) -> Run {
    let child = Command::new(bin.as_ref())
        .args(args)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", bin.as_ref().display()));
    finish(child, stdin)
}

/// Feeds `stdin` to a spawned child (if its stdin is piped), collects its
/// stdout and stderr (those not already taken by the caller), and waits at
/// most [`BOUND`], killing it and panicking after that.
pub fn finish(mut child: Child, stdin: &str) -> Run {
    let feeder = child.stdin.take().map(|mut input| {
        let stdin = stdin.to_owned();
        // The child may exit without reading: that is fine.
        std::thread::spawn(move || {
            let _ = input.write_all(stdin.as_bytes());
        })
    });
    let out_reader = read_all(child.stdout.take());
    let err_reader = read_all(child.stderr.take());

    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait works") {
            break status;
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            let stdout = out_reader.join().unwrap_or_default();
            panic!("the run took longer than {BOUND:?} and was killed; its output:\n{stdout}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    Run {
        code: status.code(),
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

/// Reads a stream to the end on its own thread (nothing, if absent).
fn read_all(stream: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stream) = stream {
            let _ = stream.read_to_string(&mut text);
        }
        text
    })
}

/// Runs `bin list --json` and checks that it names exactly the chapter's
/// registered listings, in order, under the right chapter number. Returns
/// the ids, for further checks.
pub fn assert_lists_every_listing(bin: impl AsRef<Path>, chapter: &Chapter) -> Vec<String> {
    let run = run_bin(bin, &["list", "--json"], "");
    assert_eq!(run.code, Some(0), "list --json failed: {}", run.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("`list --json` prints JSON");
    assert_eq!(json["chapter"], chapter.number);
    let listed: Vec<String> = json["listings"]
        .as_array()
        .expect("a `listings` array")
        .iter()
        .map(|l| {
            l["id"]
                .as_str()
                .expect("every listing has an id")
                .to_owned()
        })
        .collect();
    let registered: Vec<&str> = chapter.listings.iter().map(|l| l.id).collect();
    assert_eq!(listed, registered);
    listed
}

/// The environment variable that marks every process a test run starts.
///
/// Children inherit their parent's environment, so every process a listing
/// starts — its workers, `ls`, `sleep`, their children — carries the
/// marker, and [`processes_with_marker`] finds whichever are still alive.
pub const MARKER_VAR: &str = "RCT_TEST_MARKER";

/// A marker no other run of this test process shares.
pub fn new_marker(name: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

/// A live process found by [`processes_with_marker`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// Its process id.
    pub pid: u32,
    /// Its short name (`/proc/PID/comm`), e.g. `gpg-agent`.
    pub name: String,
    /// Its command line, arguments separated by spaces.
    pub cmdline: String,
}

/// Live processes whose environment holds `MARKER_VAR=marker` (Linux: read
/// from `/proc`). Zombies have no environment left and are not listed;
/// anything still running is.
pub fn processes_with_marker(marker: &str) -> Vec<Leftover> {
    let needle = format!("{MARKER_VAR}={marker}");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue; // gone already, or not ours to read
        };
        if !environ
            .split(|b| *b == 0)
            .any(|var| var == needle.as_bytes())
        {
            continue;
        }
        let name = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        found.push(Leftover {
            pid,
            name: name.trim().to_owned(),
            cmdline: String::from_utf8_lossy(&cmdline)
                .replace('\0', " ")
                .trim()
                .to_owned(),
        });
    }
    found
}

/// How long a [`ServerChild`] waits for anything its server should print
/// or do.
pub const SERVER_WAIT: Duration = Duration::from_secs(30);

/// A server listing running as a child process, driven over real TCP from
/// a test.
///
/// [`ServerChild::start`] runs `bin` with the listing's arguments and
/// `--port 0`, reads the address from its `listening on 127.0.0.1:PORT`
/// line, and keeps reading its stdout on a thread (a server that logs into
/// a full pipe would stall). Every wait is bounded by [`SERVER_WAIT`] or
/// the bound given; `Drop` kills a server the test did not stop.
pub struct ServerChild {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
    /// Every stdout line read so far.
    pub seen: Vec<String>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    /// The port it listens on (0 for a child started with a `ready` line
    /// instead).
    pub port: u16,
}

impl ServerChild {
    /// Starts `bin` with `args` and `--port 0`; waits for its address.
    pub fn start(bin: impl AsRef<Path>, args: &[&str]) -> Self {
        let mut command = Command::new(bin.as_ref());
        command.args(args).args(["--port", "0"]);
        Self::spawn(command, None)
    }

    /// Starts `command` (stdin, stdout and stderr are set here). With
    /// `ready`, waits for a line containing it instead of an address.
    pub fn spawn(mut command: Command, ready: Option<&str>) -> Self {
        use std::io::BufRead as _;
        let mut child = command
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {command:?}: {e}"));
        let (sender, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().expect("stdout is piped");
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("stderr is piped");
        let sink = std::sync::Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            *sink.lock().expect("no panics while locked") = text;
        });
        let mut server = ServerChild {
            child,
            lines,
            seen: Vec::new(),
            stderr,
            port: 0,
        };
        match ready {
            Some(ready) => {
                server.wait_for(ready);
            }
            None => {
                let line = server.wait_for("listening on ");
                server.port = shared_util::net::listening_address(&line)
                    .unwrap_or_else(|| panic!("no address in {line:?}"))
                    .port();
            }
        }
        server
    }

    /// `127.0.0.1:PORT`.
    pub fn address(&self) -> std::net::SocketAddr {
        shared_util::net::loopback(self.port)
    }

    /// A blocking client whose reads and writes give up after
    /// [`SERVER_WAIT`].
    pub fn connect(&self) -> std::net::TcpStream {
        let stream = std::net::TcpStream::connect(self.address()).expect("connect to the server");
        stream
            .set_read_timeout(Some(SERVER_WAIT))
            .expect("a timeout");
        stream
            .set_write_timeout(Some(SERVER_WAIT))
            .expect("a timeout");
        stream
    }

    /// Waits (bounded) for a stdout line containing `needle`; returns it.
    /// A line already seen counts.
    pub fn wait_for(&mut self, needle: &str) -> String {
        use std::sync::mpsc::RecvTimeoutError;
        if let Some(line) = self.seen.iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        let deadline = Instant::now() + SERVER_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no line with {needle:?} within {SERVER_WAIT:?}; seen:\n{}",
                    self.seen.join("\n")
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "the server ended before printing {needle:?}; seen:\n{}\nstderr:\n{}",
                    self.seen.join("\n"),
                    self.stderr()
                ),
            }
        }
    }

    /// Takes whatever the server has printed so far, without waiting.
    pub fn drain(&mut self) {
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
    }

    /// How many lines so far contain `needle`.
    pub fn count(&mut self, needle: &str) -> usize {
        self.drain();
        self.seen.iter().filter(|l| l.contains(needle)).count()
    }

    /// Sends `signal` to the server.
    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        let pid = i32::try_from(self.child.id()).expect("a pid fits in i32");
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), signal).expect("signal the server");
    }

    /// Waits at most `bound` for the server to exit; returns its exit code
    /// (`None` if a signal killed it). All its output is in `seen` then.
    pub fn wait_exit(&mut self, bound: Duration) -> Option<i32> {
        let deadline = Instant::now() + bound;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // The reader thread sees the end of file right after exit.
                while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
                    self.seen.push(line);
                }
                return status.code();
            }
            if Instant::now() > deadline {
                self.drain();
                panic!(
                    "the server did not exit within {bound:?}; seen:\n{}",
                    self.seen.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Everything it wrote to stderr (complete once it has exited).
    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("no panics while locked").clone()
    }

    /// Every stdout line so far, joined.
    pub fn output(&mut self) -> String {
        self.drain();
        self.seen.join("\n")
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_process_is_found_until_it_ends() {
        let marker = new_marker("control");
        let mut child = Command::new("sleep")
            .arg("30")
            .env(MARKER_VAR, &marker)
            .spawn()
            .expect("sleep runs");
        // /proc shows the new environment once exec has happened.
        let deadline = Instant::now() + Duration::from_secs(10);
        while processes_with_marker(&marker).is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let found = processes_with_marker(&marker);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].pid, child.id());
        assert_eq!(found[0].name, "sleep");
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(processes_with_marker(&marker).is_empty());
    }

    #[test]
    fn finish_collects_output_and_feeds_stdin() {
        let child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let run = finish(child, "hello\n");
        assert_eq!((run.code, run.stdout.as_str()), (Some(0), "hello\n"));
    }
}
