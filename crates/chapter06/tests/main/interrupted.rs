//! Interrupted runs leave nothing behind: SIGINT or SIGTERM while 6.7
//! writes its Ngram file, or while 6.14's workers share a mapped file,
//! removes the file; files of runs that died earlier are swept at start.
//! Each test gets its own temp dir (TMPDIR), so it sees only its own files.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use test_harness::{MARKER_VAR, new_marker, processes_with_marker};

const BIN: &str = env!("CARGO_BIN_EXE_chapter06");

/// A fresh, empty temp dir for one run.
fn private_temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(new_marker(name));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// Polls `check` for up to 20 s.
fn eventually(check: impl FnMut() -> bool) -> bool {
    eventually_within(Duration::from_secs(20), check)
}

/// Polls `check` for up to `bound`.
fn eventually_within(bound: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + bound;
    while Instant::now() < deadline {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn start(args: &[&str], temp: &Path, marker: &str) -> Child {
    Command::new(BIN)
        .args(args)
        .env("TMPDIR", temp)
        .env(MARKER_VAR, marker)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Sends `signal`, waits (bounded) for the exit, checks that nothing the
/// run made is left: no file in `temp`, no process with `marker`.
fn interrupt_and_check(child: Child, signal: Signal, temp: &Path, marker: &str) {
    interrupt_and_check_keeping(child, signal, temp, marker, &[]);
    std::fs::remove_dir(temp).unwrap();
}

/// [`interrupt_and_check`], where the files named in `kept` (a finished
/// cache) may stay; the folder is left for the caller.
fn interrupt_and_check_keeping(
    mut child: Child,
    signal: Signal,
    temp: &Path,
    marker: &str,
    kept: &[&str],
) {
    kill(Pid::from_raw(child.id() as i32), signal).unwrap();
    assert!(
        eventually(|| child.try_wait().unwrap().is_some()),
        "{signal} did not end the run"
    );
    assert!(
        eventually(|| processes_with_marker(marker).is_empty()),
        "left {:?}",
        processes_with_marker(marker)
    );
    let left: Vec<String> = entries(temp)
        .into_iter()
        .filter(|name| !kept.contains(&name.as_str()))
        .collect();
    assert_eq!(left, Vec::<String>::new(), "after {signal}");
}

#[test]
fn a_signal_while_the_ngram_file_is_written_removes_the_partial_file() {
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        let temp = private_temp("ngram");
        let marker = new_marker("ngram");
        // 100 M lines: minutes of writing, so the signal comes mid-file.
        let child = start(&["6.7", "--lines", "100000000"], &temp, &marker);
        assert!(
            eventually(|| entries(&temp).iter().any(|n| n.ends_with(".partial"))),
            "no partial file appeared"
        );
        interrupt_and_check(child, signal, &temp, &marker);
    }
}

#[test]
fn a_signal_during_6_14_removes_the_shared_memory_file_and_ends_the_workers() {
    // 6.14 maps the Ngram file: the first run writes it (a cache that is
    // meant to stay), both runs are interrupted while the workers map it.
    const LINES: &str = "12000000";
    let cache = format!("chapter06-ngrams-v1-{LINES}.tsv");
    let temp = private_temp("shared");
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        let marker = new_marker("shared");
        let child = start(&["6.14", "--lines", LINES], &temp, &marker);
        assert!(
            eventually_within(Duration::from_secs(120), || entries(&temp)
                .iter()
                .any(|n| n.starts_with("chapter06-shared-"))),
            "no shared memory file appeared"
        );
        // The workers are up (each has mapped the file) before the signal.
        assert!(eventually(|| processes_with_marker(&marker).len() > 1));
        interrupt_and_check_keeping(child, signal, &temp, &marker, &[&cache]);
    }
    let _ = std::fs::remove_file(temp.join(&cache));
    std::fs::remove_dir(&temp).unwrap();
}

#[test]
fn files_left_by_dead_runs_are_swept_at_start() {
    let temp = private_temp("sweep");
    let mut gone = Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let partial = temp.join(format!("chapter06-ngrams-v1-5.{dead}.partial"));
    let shared = temp.join(format!("chapter06-shared-{dead}-12345"));
    std::fs::write(&partial, b"half a file").unwrap();
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::write(shared.join("shared.bin"), [0u8; 8]).unwrap();
    let marker = new_marker("sweep");
    for args in [&["6.7", "--lines", "1000"][..], &["6.10"]] {
        let status = start(args, &temp, &marker).wait().unwrap();
        assert!(status.success(), "{args:?}");
    }
    assert!(!partial.exists(), "the stale partial file is still there");
    assert!(!shared.exists(), "the stale shared memory is still there");
    let _ = std::fs::remove_dir_all(&temp);
}
