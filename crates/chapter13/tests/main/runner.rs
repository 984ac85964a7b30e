//! The runner as a user meets it, and the promises about children: a
//! missing command is a one-line error naming it, and Ctrl-C kills and
//! reaps every child.

use std::io::{BufRead as _, BufReader};
use std::time::{Duration, Instant};

use crate::common::{
    BIN, assert_no_leftovers, finish, launch, new_marker, processes_with, run_with,
};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use test_harness::assert_lists_every_listing;

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, 13, chapter13::CHAPTER.ids());
    let expected: Vec<String> = (1..=14).map(|n| format!("13.{n}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn a_missing_command_exits_1_naming_it_and_the_os_reason() {
    for (id, shown) in [("13.1", "ls -l"), ("13.2", "sleep 3"), ("13.3", "ls -la")] {
        let run = run_with(&[id], "", &[("PATH", "/nonexistent-ch13")]);
        assert_eq!(run.code, Some(1), "{id}: {}\n{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains(&format!(
                "`{shown}` could not start here, so nothing ran; it would have "
            )),
            "{id}: {}",
            run.stdout
        );
        assert!(
            run.stderr.contains(&format!(
                "could not start `{shown}`: No such file or directory (os error 2)"
            )),
            "{id}: {}",
            run.stderr
        );
    }
}

#[test]
fn an_unknown_worker_is_a_usage_error() {
    let run = test_harness::run_bin(BIN, &["__worker", "nope"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("has no worker 'nope'"),
        "{}",
        run.stderr
    );
}

#[test]
fn ctrl_c_kills_and_reaps_every_child() {
    let marker = new_marker("ctrl-c");
    // The worker stand-in, so the children are our own binary: 40 of them,
    // two at a time, is far longer than this test waits.
    let mut child = launch(
        &["13.8", "--requests", "40", "--limit", "2"],
        &marker,
        &[("PATH", "/nonexistent-ch13")],
    );
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("utf-8 output");
        let started = line.starts_with("encrypting 40 texts");
        seen.push(line);
        if started {
            break;
        }
    }
    assert!(
        seen.last().is_some_and(|l| l.starts_with("encrypting 40")),
        "{seen:?}"
    );

    // The check must be able to see children at all: wait until it sees a
    // worker (a child just forked still shows our command line until its
    // exec, so count only those that already run the worker).
    let pid = child.id();
    let start = Instant::now();
    while !processes_with(&marker)
        .iter()
        .any(|(p, cmd)| *p != pid && cmd.contains("__worker encrypt"))
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no worker seen: {:?}",
            processes_with(&marker)
        );
        std::thread::sleep(Duration::from_millis(5));
    }

    kill(Pid::from_raw(pid as i32), Signal::SIGINT).expect("SIGINT sent");
    // Collect the rest of stdout on a thread while `finish` waits.
    let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());
    let run = finish(child, "");
    let _ = rest.join();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("interrupted by Ctrl-C: every child was killed and reaped"),
        "{}",
        run.stderr
    );
    assert_no_leftovers(&marker);
}

/// Starts the binary with `args` and the marker, reads stdout until a line
/// starts with `ready`, sends `signal`; returns the finished run and every
/// stdout line.
fn signal_when(
    args: &[&str],
    ready: &str,
    signal: Signal,
    marker: &str,
) -> (test_harness::Run, Vec<String>) {
    let mut child = launch(args, marker, &[]);
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("utf-8 output");
        let found = line.starts_with(ready);
        seen.push(line);
        if found {
            break;
        }
    }
    assert!(
        seen.last().is_some_and(|l| l.starts_with(ready)),
        "{seen:?}"
    );
    kill(Pid::from_raw(child.id() as i32), signal).expect("signal sent");
    let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());
    let run = finish(child, "");
    seen.extend(rest.join().unwrap_or_default());
    (run, seen)
}

#[test]
fn sigterm_kills_and_reaps_every_child_as_ctrl_c_does() {
    // `kill` reaches only our process; before, `sleep 3` was left to pid 1.
    let marker = new_marker("sigterm");
    let (run, _) = signal_when(&["13.2"], "Process pid is:", Signal::SIGTERM, &marker);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("interrupted by SIGTERM: every child was killed and reaped"),
        "{}",
        run.stderr
    );
    assert_no_leftovers(&marker);
}

#[test]
fn ctrl_c_during_a_listing_that_handles_it_stops_all() {
    // 13.2 turns Ctrl-C into killing its child; `all` used to go on to 13.3.
    let marker = new_marker("all");
    let (run, seen) = signal_when(&["all"], "Process pid is:", Signal::SIGINT, &marker);
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    assert!(
        run.stderr.contains("interrupted by SIGINT"),
        "{}",
        run.stderr
    );
    assert!(
        !seen.iter().any(|l| l.starts_with("=== Listing 13.3")),
        "{seen:?}"
    );
    assert_no_leftovers(&marker);
}
