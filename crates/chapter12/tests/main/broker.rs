//! The orders on a real broker (12.11, 12.12): a real `redis-server`,
//! worker processes, a worker killed mid-order, the app restarted. Each
//! run gets a temp dir of its own (`TMPDIR`) and a process marker; after
//! it, no redis-server, worker or app may be left, nor anything in the
//! dir. Without redis-server the tests are reported ignored, except under
//! CI, where they fail.

use std::collections::BTreeSet;
use std::io::BufRead as _;
use std::os::unix::process::CommandExt as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;
use test_harness::{
    MARKER_VAR, Run, Tool, assert_nothing_left, new_marker, require, run_bin, run_bin_with,
    run_temp_dir,
};

const BIN: &str = env!("CARGO_BIN_EXE_chapter12");

/// Runs `args` with a marker and a temp dir of its own; checks that
/// nothing is left after it.
fn run_clean(name: &str, args: &[&str]) -> Run {
    require(Tool::Redis);
    let marker = new_marker(name);
    let dir = run_temp_dir(&marker);
    let run = run_bin_with(
        BIN,
        args,
        "",
        &[(MARKER_VAR, &marker), ("TMPDIR", dir.to_str().unwrap())],
    );
    assert_nothing_left(&marker, &dir);
    run
}

/// The numbers in the workers' `Processed order #N` lines (with repeats).
fn processed(run: &Run) -> Vec<u64> {
    run.lines()
        .iter()
        .filter_map(|line| line.split_once(": Processed order #"))
        .map(|(_, n)| n.trim().parse().unwrap())
        .collect()
}

#[test]
#[cfg_attr(not(has_redis), ignore = "redis-server not found: apt install redis-server")]
fn listing_12_12_loses_no_order_when_a_worker_dies_mid_order_and_the_app_restarts() {
    let run = run_clean("ch12-crash", &["12.12", "--scale", "0.05"]);
    let all = format!("stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert_eq!(run.code, Some(0), "{all}");
    // By number, from the workers' own lines: every order the clients were
    // told was placed (numbered 1-20 by the broker) was processed.
    let done: BTreeSet<u64> = processed(&run).into_iter().collect();
    assert_eq!(done, (1..=20).collect::<BTreeSet<u64>>(), "{all}");
    assert!(
        run.stdout
            .contains("20 order(s) accepted, 20 processed, 0 lost (none)"),
        "{all}"
    );
    // The order the killed worker held was taken over by a new worker.
    let line = &run.lines()[run.position("-- 2. SIGKILL to w")];
    let rest = line.strip_prefix("-- 2. SIGKILL to ").unwrap();
    let victim = rest.split(' ').next().unwrap();
    let held: u64 = rest
        .split('#')
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        run.stdout.contains(&format!("#{held} ({victim} -> w")),
        "order #{held} was not taken over: {all}"
    );
    // While everything was down, the orders still waited in the stream.
    assert!(run.position("While everything is down") < run.position("-- 4."));
}

#[test]
#[cfg_attr(not(has_redis), ignore = "redis-server not found: apt install redis-server")]
fn listing_12_11_demo_has_worker_processes_share_the_stream() {
    let run = run_clean("ch12-stream", &["12.11", "--demo", "--scale", "0.02"]);
    let all = format!("stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert_eq!(run.code, Some(0), "{all}");
    assert!(
        run.stdout.contains(
            "20 order(s) accepted, 20 processed, 0 waiting in the stream (none), 0 turned away"
        ),
        "{all}"
    );
    let done = processed(&run);
    assert_eq!(done.len(), 20, "each order once: {all}");
    // Several processes took orders off the one stream.
    let workers: BTreeSet<&str> = run
        .lines()
        .iter()
        .filter(|line| line.contains(": Processing order #"))
        .filter_map(|line| line.split(':').next())
        .collect();
    assert!(workers.len() >= 2, "{workers:?}");
    assert!(run.stderr.contains("demo broker: Redis"), "{all}");
}

/// Starts 12.11 as a server in a process group of its own, waits until it
/// listens, sends `signal` (to the group, as Ctrl-C does, or to the binary
/// alone), and checks that no broker, worker or file is left.
fn stopped_by(signal: Signal, whole_group: bool) {
    require(Tool::Redis);
    let marker = new_marker(&format!("ch12-{signal}"));
    let dir = run_temp_dir(&marker);
    let mut child = Command::new(BIN)
        .args(["12.11", "--port", "0", "--limit", "2"])
        .env(MARKER_VAR, &marker)
        .env("TMPDIR", &dir)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if line.contains("listening on") {
                let _ = ready_tx.send(());
            }
        }
    });
    if ready_rx.recv_timeout(Duration::from_secs(30)).is_err() {
        let _ = child.kill();
        panic!("12.11 did not start listening");
    }
    let pid = Pid::from_raw(i32::try_from(child.id()).unwrap());
    if whole_group {
        killpg(pid, signal).unwrap();
    } else {
        kill(pid, signal).unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "12.11 ignored {signal}");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_nothing_left(&marker, &dir);
}

#[test]
#[cfg_attr(not(has_redis), ignore = "redis-server not found: apt install redis-server")]
fn ctrl_c_sigterm_and_sigkill_leave_no_broker_worker_or_file() {
    stopped_by(Signal::SIGINT, true);
    stopped_by(Signal::SIGTERM, false);
    stopped_by(Signal::SIGKILL, false);
}

#[test]
fn a_bad_redis_url_is_a_usage_error() {
    let run = run_bin(BIN, &["12.11", "--redis-url", "127.0.0.1:6379"], "");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("give redis://HOST:PORT"),
        "{}",
        run.stderr
    );
    let run = run_bin(BIN, &["order-worker", "--redis-url", "http://x"], "");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}

#[test]
#[cfg_attr(not(has_redis), ignore = "redis-server not found: apt install redis-server")]
#[cfg_attr(all(has_redis, not(has_python)), ignore = "python3 not found: apt install python3")]
#[cfg_attr(
    all(has_redis, has_python, not(has_python_venv)),
    ignore = "scripts/python/.venv lacks the Python rows' packages: bash scripts/python/setup.sh"
)]
fn compare_broker_python_row_processes_every_order_through_redis() {
    // The Python counterpart (aiohttp, redis.asyncio, five worker
    // processes) on a demo broker `compare` starts for it: it too is
    // rated by the orders it processed, and it and its workers are gone
    // with the run.
    let rows = compare_broker_rows("compare-broker-python", &["--python"]);
    assert_eq!(rows.len(), 3, "{rows:?}");
    let python = &rows[2];
    assert!(
        python["label"]
            .as_str()
            .unwrap()
            .starts_with("python broker_orders.py"),
        "{python}"
    );
    assert!(
        python["args"]
            .as_array()
            .unwrap()
            .ends_with(&[serde_json::json!("--requests"), serde_json::json!("40")]),
        "{python}"
    );
}

/// `compare broker EXTRA --runs 1 --json -- --requests 40`, clean after
/// it: its rows, each of which counted all 40 orders processed and has a
/// rate.
fn compare_broker_rows(name: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["compare", "broker"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&[
        "--runs",
        "1",
        "--warmup",
        "0",
        "--json",
        "--",
        "--requests",
        "40",
    ]);
    let run = run_clean(name, &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rows = json["listings"].as_array().unwrap().clone();
    for row in &rows {
        assert_eq!(row["runs"][0]["work"], 40, "{row}");
        assert!(row["rate_per_s"].as_f64().unwrap() > 0.0, "{row}");
    }
    rows
}

#[test]
#[cfg_attr(not(has_redis), ignore = "redis-server not found: apt install redis-server")]
fn compare_broker_rates_both_queues_by_the_orders_they_processed() {
    // Each run counts its own orders: all 40 processed.
    let rows = compare_broker_rows("compare-broker", &[]);
    assert_eq!(rows.len(), 2);
    // The table, then the crash: the in-memory queue loses what it held,
    // the stream nothing.
    let run = run_bin(
        BIN,
        &[
            "compare",
            "broker",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--",
            "--requests",
            "40",
        ],
        "",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("orders/s"), "{}", run.stdout);
    let memory = &run.lines()[run.position("12.3  in-memory queue:")];
    let processed_before = |line: &str| -> (u64, u64, u64) {
        let numbers: Vec<u64> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|w| w.parse().ok())
            .collect();
        // [12, 3, placed, processed, lost]
        (numbers[2], numbers[3], numbers[4])
    };
    let (placed, processed, lost) = processed_before(memory);
    assert!(placed >= 20, "{memory}");
    assert_eq!(placed, processed + lost, "{memory}");
    let redis = &run.lines()[run.position("12.11 Redis stream:")];
    assert!(redis.ends_with(", 0 lost"), "{redis}");
    // Without --demo a server never ends by itself: refused, with the reason.
    let run = run_bin(BIN, &["compare", "12.3", "12.11"], "");
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("unless given --demo"), "{}", run.stderr);
}
