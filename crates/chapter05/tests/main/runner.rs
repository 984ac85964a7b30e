//! The demo database as a user meets it: started by the binary on first
//! use, shared by every listing of an `all` run, and gone when the run
//! ends, however it ends (normally, Ctrl-C, SIGTERM, SIGKILL). Each run
//! gets a temp dir of its own (`TMPDIR`) and a process marker, and the
//! test checks that no process is left (the marked ones, and any process
//! still running inside that dir: PostgreSQL's server processes overwrite
//! their environment) and that the dir is empty. Without PostgreSQL the
//! tests are reported ignored, except under CI, where they fail.

use std::io::BufRead as _;
use std::os::unix::process::CommandExt as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;
use test_harness::{
    MARKER_VAR, assert_lists_every_listing, assert_nothing_left, new_marker, run_bin_with,
    run_temp_dir,
};

const BIN: &str = env!("CARGO_BIN_EXE_chapter05");

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, 5, chapter05::CHAPTER.ids());
    let expected: Vec<String> = (1..=17).map(|n| format!("5.{n}")).collect();
    assert_eq!(ids, expected);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn all_shares_one_demo_database_and_removes_it() {
    let marker = new_marker("ch5-all");
    let dir = run_temp_dir(&marker);
    let run = run_bin_with(
        BIN,
        &["all", "--virtual-time", "--queries", "100"],
        "",
        &[(MARKER_VAR, &marker), ("TMPDIR", dir.to_str().unwrap())],
    );
    assert_eq!(
        run.code,
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stdout
            .contains("ran 17 listing(s) of chapter 5: 17 ok, 0 failed"),
        "{}",
        run.stdout
    );
    // Started once, by the first listing that needed it; the book's order
    // built everything, so no listing had to build what it reads.
    assert_eq!(run.stderr.matches("demo database: PostgreSQL").count(), 1);
    assert!(!run.stderr.contains("lacked"), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("id: 1, name: Levis\nid: 2, name: Seven\n")
    );
    assert!(
        run.stdout
            .contains("streamed 1000 products through the cursor")
    );
    assert_nothing_left(&marker, &dir);
}

/// Starts `args` in a process group of its own, waits until its demo
/// database is up, sends `signal` (to the whole group, as Ctrl-C does, or
/// to the binary alone), checks that nothing is left, and returns what it
/// wrote on stderr.
fn interrupted(args: &[&str], signal: Signal, whole_group: bool) -> String {
    let marker = new_marker(&format!("ch5-{signal}"));
    let dir = run_temp_dir(&marker);
    let mut child = Command::new(BIN)
        .args(args)
        .env(MARKER_VAR, &marker)
        .env("TMPDIR", &dir)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    let reading = std::thread::spawn(move || {
        let mut seen = String::new();
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if line.contains("demo database: PostgreSQL") {
                let _ = ready_tx.send(());
            }
            seen.push_str(&line);
            seen.push('\n');
        }
        seen
    });
    if ready_rx.recv_timeout(Duration::from_secs(60)).is_err() {
        let _ = child.kill();
        panic!("the demo database did not start");
    }
    let pid = Pid::from_raw(i32::try_from(child.id()).unwrap());
    if whole_group {
        killpg(pid, signal).unwrap();
    } else {
        kill(pid, signal).unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the run ignored {signal}");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_nothing_left(&marker, &dir);
    reading.join().unwrap()
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn ctrl_c_leaves_nothing_and_says_where_all_stopped() {
    let stderr = interrupted(&["all", "--queries", "1000000"], Signal::SIGINT, true);
    assert!(
        stderr.contains("SIGINT: `all` stopped in listing 5."),
        "{stderr}"
    );
    assert!(
        stderr.contains("the demo database is stopped and its directory removed"),
        "{stderr}"
    );
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn sigterm_leaves_nothing() {
    interrupted(&["5.8", "--queries", "1000000"], Signal::SIGTERM, false);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn sigkill_leaves_nothing() {
    interrupted(&["5.8", "--queries", "1000000"], Signal::SIGKILL, false);
}
