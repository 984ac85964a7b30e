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

use crate::cli::Chapter;

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
