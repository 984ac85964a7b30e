//! Running a chapter binary from an integration test, with a time bound.
//!
//! Every chapter tests its listings the way a user runs them: the real
//! binary, real flags, stdout and stderr captured. [`run_bin`] kills the
//! child if it outlives its bound, so a listing that hangs fails its test
//! instead of hanging the suite.

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let mut child = Command::new(bin.as_ref())
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", bin.as_ref().display()));

    let mut input = child.stdin.take().expect("stdin is piped");
    let stdin = stdin.to_owned();
    let feeder = std::thread::spawn(move || {
        // The child may exit without reading: that is fine.
        let _ = input.write_all(stdin.as_bytes());
    });
    let mut out = child.stdout.take().expect("stdout is piped");
    let mut err = child.stderr.take().expect("stderr is piped");
    let out_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });

    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait works") {
            break status;
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            let stdout = out_reader.join().unwrap_or_default();
            panic!(
                "{} {args:?} ran longer than {BOUND:?} and was killed; its output:\n{stdout}",
                bin.as_ref().display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = feeder.join();
    Run {
        code: status.code(),
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}
