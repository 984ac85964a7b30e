//! The runner as a user meets it: `list --json`, `all`, and each listing's
//! `--demo` run telling its story in order.

use test_harness::{
    MARKER_VAR, Run, assert_lists_every_listing, new_marker, processes_with_marker, run_bin,
    run_bin_with,
};

const BIN: &str = env!("CARGO_BIN_EXE_chapter03");

fn demo(id: &str) -> Run {
    let run = run_bin(BIN, &[id, "--demo"], "");
    assert_eq!(run.code, Some(0), "{id}\n{}\n{}", run.stdout, run.stderr);
    run
}

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, 3, chapter03::CHAPTER.ids());
    let expected: Vec<String> = (1..=10).map(|n| format!("3.{n}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn list_mentions_the_load_tool() {
    let run = run_bin(BIN, &["list"], "");
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.contains("load"), "{}", run.stdout);
}

#[test]
fn all_runs_every_listing_in_demo_mode() {
    let run = run_bin(BIN, &["all"], "");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("ran 10 listing(s) of chapter 3: 10 ok, 0 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn demo_3_1_and_3_2_accept_read_and_echo() {
    demo("3.1").position("I got a connection from 127.0.0.1:");
    let run = demo("3.2");
    let all = run.position(r#"All the data is: b"testing 123\r\n""#);
    assert_eq!(run.positions("I got data: ").len(), 7);
    assert!(all < run.position(r#"the client got back b"testing 123\r\n""#));
}

#[test]
fn demo_3_3_shows_b_waiting_for_a() {
    let run = demo("3.3");
    let gone = run.position("disconnected");
    let b_served = run.position(r#"is: b"from B\r\n""#);
    let b_echo = run.position(r#"client B got back b"from B\r\n" after waiting"#);
    assert!(gone < b_served && b_served < b_echo, "{}", run.stdout);
}

#[test]
fn demo_3_8_serves_three_clients() {
    let run = demo("3.8");
    assert_eq!(run.positions("Got a connection from ").len(), 3);
    assert_eq!(run.positions("client ").len(), 6);
}

#[test]
fn demo_3_9_cancels_three_tasks() {
    let run = demo("3.9");
    assert_eq!(run.positions("sleeping for 10 second(s)").len(), 3);
    assert!(run.position("Got a SIGINT!") < run.position("Cancelling 3 task(s)."));
    run.position("3 task(s) were cancelled");
}

#[test]
fn demo_3_10_contains_boom_and_shuts_down_gracefully() {
    let run = demo("3.10");
    let boom = run.position("failed: unexpected network error");
    let still = run.position(r#"client A got back b"still here\r\n""#);
    let closed = run.position("closed 1 connection(s) still open after the grace period");
    assert!(boom < still && still < closed, "{}", run.stdout);
    run.position("server stopped");
}

fn compare_echo(extra: &[&str], marker: &str) -> Run {
    let mut args = vec!["compare", "echo", "--runs", "2", "--warmup", "0"];
    args.extend_from_slice(extra);
    run_bin_with(BIN, &args, "", &[(MARKER_VAR, marker)])
}

#[test]
fn compare_echo_times_each_server_under_the_load_and_stops_it() {
    let list = run_bin(BIN, &["compare", "--list"], "");
    assert!(
        list.stdout.contains("echo") && list.stdout.contains("each under: load --addr {addr}"),
        "{}",
        list.stdout
    );
    let marker = new_marker("compare-echo");
    let run = compare_echo(
        &["--json", "--", "--clients", "4", "--messages", "25"],
        &marker,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("--json is JSON");
    assert_eq!(json["unit"], "round-trips");
    let rows = json["listings"].as_array().unwrap();
    let labels: Vec<&str> = rows.iter().map(|r| r["label"].as_str().unwrap()).collect();
    // Chapter 7's 7.1 is a row when its binary is built beside this one
    // (as `cargo test --workspace` does); otherwise compare says it skipped it.
    if labels.len() == 3 {
        assert!(
            run.stderr.contains("skipping chapter07:7.1"),
            "{}",
            run.stderr
        );
    } else {
        assert_eq!(labels[3], "7.1");
        assert_eq!(
            rows[3]["title"],
            "An echo server with a thread per connection"
        );
    }
    assert_eq!(labels[..3], ["3.7", "3.8", "3.10"]);
    for row in rows {
        let runs = row["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 2);
        for sample in runs {
            // Every round trip the load verified, and the time it took.
            assert_eq!(sample["work"], 100, "{row}");
            assert!(sample["wall_s"].as_f64().unwrap() > 0.0);
        }
        // The server's own memory, read while it ran.
        assert!(row["peak_rss_bytes"].as_u64().unwrap() > 0, "{row}");
        let rate = row["rate_per_s"].as_f64().unwrap();
        let median_rate = {
            let mut rates: Vec<f64> = runs
                .iter()
                .map(|s| 100.0 / s["wall_s"].as_f64().unwrap())
                .collect();
            rates.sort_by(f64::total_cmp);
            (rates[0] + rates[1]) / 2.0
        };
        assert!(
            (rate - median_rate).abs() < 1e-6 * rate,
            "{rate} vs {median_rate}"
        );
    }
    assert_eq!(
        json["load"],
        serde_json::json!([
            "load",
            "--addr",
            "{addr}",
            "--size",
            "1024",
            "--clients",
            "4",
            "--messages",
            "25"
        ])
    );
    // Every server was stopped and reaped.
    assert_eq!(processes_with_marker(&marker), []);
}

#[test]
fn compare_echo_names_the_server_whose_load_failed() {
    let marker = new_marker("compare-echo-fail");
    // --size 0 is refused by the load tool: the first run fails.
    let run = compare_echo(&["--", "--size", "0"], &marker);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("run 1 of listing 3.7")
            && run.stderr.contains("the load against it exited"),
        "{}",
        run.stderr
    );
    assert_eq!(processes_with_marker(&marker), []);
}

#[test]
fn compare_points_servers_to_the_echo_set() {
    let run = run_bin(BIN, &["compare", "3.7", "3.8"], "");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("compare echo"), "{}", run.stderr);
}

#[test]
fn compare_echo_markdown_names_the_load_under_the_table() {
    let marker = new_marker("compare-echo-md");
    let run = compare_echo(
        &["--markdown", "--", "--clients", "2", "--messages", "5"],
        &marker,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("| round-trips/s | vs 3.7 |"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "Each server was loaded with `load --addr ADDRESS --size 1024 --clients 2 --messages 5`."
        ),
        "{}",
        run.stdout
    );
    assert_eq!(processes_with_marker(&marker), []);
}

#[test]
fn killing_compare_leaves_no_server_or_load_behind() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let marker = new_marker("compare-echo-killed");
    let mut compare = Command::new(BIN)
        .args(["compare", "echo", "--runs", "1", "--warmup", "0", "--"])
        .args(["--clients", "2", "--messages", "100000000"])
        .env(MARKER_VAR, &marker)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the first server and its load are both running.
    let deadline = Instant::now() + Duration::from_secs(30);
    while processes_with_marker(&marker).len() < 3 {
        assert!(
            Instant::now() < deadline,
            "the server and load never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // SIGKILL: compare gets no chance to stop its children itself.
    compare.kill().unwrap();
    compare.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = processes_with_marker(&marker);
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "still running: {left:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
