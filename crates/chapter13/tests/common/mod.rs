//! Running the chapter binary from a test, then checking the process
//! table: no process started by the run may still be alive afterwards.
//!
//! Each run gets a unique marker in its environment (`CH13_TEST_MARKER`).
//! Children inherit the environment — `ls`, `sleep`, `gpg` and our own
//! workers alike, and their children too — so any live process whose
//! `/proc/PID/environ` holds the marker was left behind by that run.

#![allow(dead_code)]

use std::io::{Read as _, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub use shared_util::testing::Run;

pub const BIN: &str = env!("CARGO_BIN_EXE_chapter13");
const MARKER_VAR: &str = "CH13_TEST_MARKER";
const BOUND: Duration = Duration::from_secs(120);

/// gpg starts these daemons on first use and detaches them on purpose;
/// they serve every later gpg and are not children anyone should reap.
const GPG_DAEMONS: [&str; 4] = ["gpg-agent", "dirmngr", "keyboxd", "scdaemon"];

/// A marker no other run shares.
pub fn new_marker(name: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

/// Starts the binary with `args`, the marker and extra `env`, all three
/// streams piped.
pub fn launch(args: &[&str], marker: &str, env: &[(&str, &str)]) -> Child {
    Command::new(BIN)
        .args(args)
        .env(MARKER_VAR, marker)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the chapter binary starts")
}

/// Feeds `stdin`, collects the output, waits at most two minutes (killing
/// the run after that and failing), and returns what it printed.
pub fn finish(mut child: Child, stdin: &str) -> Run {
    let mut input = child.stdin.take().expect("stdin is piped");
    let stdin = stdin.to_owned();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    // A caller that took stdout (to watch it live) reads it itself.
    let out = child.stdout.take();
    let err = child.stderr.take();
    let read_all = |stream: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut stream) = stream {
                let _ = stream.read_to_string(&mut text);
            }
            text
        })
    };
    let out = read_all(out.map(|s| Box::new(s) as Box<dyn std::io::Read + Send>));
    let err = read_all(err.map(|s| Box::new(s) as Box<dyn std::io::Read + Send>));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait works") {
            break status;
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the run took longer than {BOUND:?} and was killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = feeder.join();
    Run {
        code: status.code(),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

/// Runs the binary, then asserts no process it started is still alive.
pub fn run_with(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let marker = new_marker("run");
    let run = finish(launch(args, &marker, env), stdin);
    assert_no_leftovers(&marker);
    run
}

/// Runs the binary and expects exit code 0.
pub fn run_ok(args: &[&str], stdin: &str) -> Run {
    let run = run_with(args, stdin, &[]);
    assert_eq!(
        run.code,
        Some(0),
        "chapter13 {args:?} failed\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    run
}

/// Live processes (pid, command line) carrying `marker` in their
/// environment, gpg's own daemons aside. Zombies have no environment left,
/// so they do not show up; everything still running does.
pub fn processes_with(marker: &str) -> Vec<(u32, String)> {
    let needle = format!("{MARKER_VAR}={marker}");
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc")
        .expect("/proc is readable")
        .flatten()
    {
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
        let has_marker = environ
            .split(|b| *b == 0)
            .any(|var| var == needle.as_bytes());
        if !has_marker {
            continue;
        }
        let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
        if GPG_DAEMONS.contains(&comm.trim()) {
            continue;
        }
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        found.push((pid, cmdline));
    }
    found
}

/// Fails, naming them, if processes of the run marked `marker` are alive.
pub fn assert_no_leftovers(marker: &str) {
    let left = processes_with(marker);
    assert!(
        left.is_empty(),
        "processes left behind by the run: {left:?}"
    );
}
