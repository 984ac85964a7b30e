//! Running the chapter binary from a test, then checking the process
//! table: no process started by the run may still be alive afterwards.
//!
//! Each run gets a unique marker in its environment (shared-util's
//! `MARKER_VAR`).
//! Children inherit the environment — `ls`, `sleep`, `gpg` and our own
//! workers alike, and their children too — so any live process whose
//! `/proc/PID/environ` holds the marker was left behind by that run.

#![allow(dead_code)]

use std::process::{Child, Command, Stdio};

use test_harness::{MARKER_VAR, processes_with_marker};
pub use test_harness::{Run, finish, new_marker};

pub const BIN: &str = env!("CARGO_BIN_EXE_chapter13");

/// gpg starts these daemons on first use and detaches them on purpose;
/// they serve every later gpg and are not children anyone should reap.
const GPG_DAEMONS: [&str; 4] = ["gpg-agent", "dirmngr", "keyboxd", "scdaemon"];

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
    processes_with_marker(marker)
        .into_iter()
        .filter(|p| !GPG_DAEMONS.contains(&p.name.as_str()))
        .map(|p| (p.pid, p.cmdline))
        .collect()
}

/// Fails, naming them, if processes of the run marked `marker` are alive.
pub fn assert_no_leftovers(marker: &str) {
    let left = processes_with(marker);
    assert!(
        left.is_empty(),
        "processes left behind by the run: {left:?}"
    );
}
