//! Every chapter-4 listing, run as a user runs it. Timer listings run on a
//! paused clock and are compared with snapshots; the HTTP listings talk to
//! the in-process demo server with the book's waits scaled down
//! (`--scale`), and are checked by the order of what they print and by
//! counts (the server's peak in-flight count, done/pending counts), never by
//! elapsed time.

use test_harness::{Run, run_bin, run_ok};

const BIN: &str = env!("CARGO_BIN_EXE_chapter04");

fn run(args: &[&str]) -> Run {
    run_ok(BIN, args)
}

/// The lines that start with `prefix`, in order.
fn lines_starting<'a>(run: &'a Run, prefix: &str) -> Vec<&'a str> {
    run.lines()
        .into_iter()
        .filter(|l| l.starts_with(prefix))
        .collect()
}

/// The numbers printed after `Done task count: ` / `Pending task count: `.
fn counts(run: &Run, what: &str) -> Vec<usize> {
    lines_starting(run, what)
        .iter()
        .map(|l| l[what.len()..].trim().parse().unwrap())
        .collect()
}

#[test]
fn timer_listings_match_their_snapshots() {
    for id in ["4.4", "4.5", "4.7"] {
        let run = run(&[id, "--virtual-time"]);
        insta::assert_snapshot!(format!("listing_{}", id.replace('.', "_")), run.stdout);
    }
}

#[test]
fn listing_4_1_enters_receives_exits_and_closes() {
    let run = run(&["4.1", "--demo"]);
    assert_eq!(
        run.lines(),
        [
            "Entering context manager, waiting for connection",
            "Accepted a connection",
            r"b'test\r\n'",
            "Exiting context manager",
            "Closed connection",
        ]
    );
}

#[test]
fn listing_4_1_names_a_port_in_use_and_exits_1() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = run_bin(BIN, &["4.1", "--demo", "--port", &port], "");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{}",
        run.stderr
    );
}

#[test]
fn listing_4_2_prints_the_status() {
    let run = run(&["4.2"]);
    assert!(
        run.stdout.starts_with("Status for http://127.0.0.1:"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.trim_end().ends_with("was 200"), "{}", run.stdout);
}

#[test]
fn listing_4_3_the_10_ms_timeout_fires_against_a_100_ms_page() {
    let run = run(&["4.3"]);
    let line = run.lines()[run.position("timed out")];
    assert!(line.contains("/delay/100"), "{line}");
    assert!(line.contains("operation timed out"), "{line}");
    assert!(!run.stdout.contains("beat the 10 ms timeout"));
}

#[test]
fn listing_4_6_has_every_request_in_flight_at_once() {
    // The latency keeps each request at the server long enough for all 200
    // to arrive while the first is still there, even on a busy machine.
    let run = run(&["4.6", "--requests", "200", "--latency-ms", "3000"]);
    assert!(
        run.stdout.contains("status 200: 200 request(s)"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("error"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("the demo server saw at most 200 request(s) at once"),
        "{}",
        run.stdout
    );
}

#[test]
fn listing_4_6_by_default_has_hundreds_of_requests_in_flight_at_once() {
    // No flags: the default run a class sees. All 1000 succeed, and far
    // more than one is at the server at once. How many exactly depends on
    // how fast this machine opens connections against the 300 ms latency
    // (1000 on a quiet one, as the docs show; fewer beside other work), so
    // the exact 1000 is checked below with a latency no machine outruns.
    let run = run(&["4.6"]);
    assert!(
        run.stdout.contains("status 200: 1000 request(s)"),
        "{}",
        run.stdout
    );
    let line = run.lines()[run.position("the demo server saw at most")];
    let peak: usize = line
        .split_whitespace()
        .find_map(|word| word.parse().ok())
        .unwrap_or_else(|| panic!("no count in {line:?}"));
    assert!(peak >= 100, "{}", run.stdout);
}

#[test]
fn listing_4_6_respects_the_limit() {
    let run = run(&[
        "4.6",
        "--requests",
        "60",
        "--limit",
        "5",
        "--latency-ms",
        "20",
    ]);
    assert!(run.stdout.contains("60 requests, at most 5 at once"));
    assert!(
        run.stdout.contains("status 200: 60 request(s)"),
        "{}",
        run.stdout
    );
    let peak = lines_starting(&run, "the demo server saw at most ")[0];
    let peak: u64 = peak.split_whitespace().nth(6).unwrap().parse().unwrap();
    assert!((1..=5).contains(&peak), "{}", run.stdout);
}

#[test]
fn listing_4_6a_sends_one_request_at_a_time() {
    let run = run(&["4.6a", "--requests", "30", "--latency-ms", "5"]);
    assert!(
        run.stdout.contains("status 200: 30 request(s)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("the demo server saw at most 1 request(s) at once"),
        "{}",
        run.stdout
    );
}

#[test]
fn listing_4_7a_surfaces_the_scheme_error_and_cancels_the_others() {
    let run = run(&["4.7a", "--scale", "0.1"]);
    let error = run.lines()[run.position("try_join_all failed:")];
    assert!(error.contains("python://example.com"), "{error}");
    assert!(error.contains("URL scheme is not allowed"), "{error}");
    // The first good request was running and was dropped; the last never ran.
    assert_eq!(
        lines_starting(&run, "cancelled fetch_status").len(),
        1,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("/delay/100: cancelled: dropped while waiting")
    );
    assert!(run.stdout.contains("/delay/100: never started"));
    assert!(run.stdout.contains("python://example.com: failed"));
    // The server is the witness: no dropped request ever reached it.
    assert!(
        run.stdout
            .contains("the demo server received 0 request(s), 0 still in flight"),
        "{}",
        run.stdout
    );
}

#[test]
fn listing_4_7b_returns_every_result_and_error_in_order() {
    let run = run(&["4.7b"]);
    let bad = "builder error for url (python://example.com): URL scheme is not allowed";
    assert!(
        run.stdout
            .contains(&format!("All results: [Ok(200), Err(\"{bad}\"), Ok(200)]")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Finished successfully: [200, 200]"));
    assert!(
        run.stdout
            .contains(&format!("Threw exceptions: [\"{bad}\"]"))
    );
}

/// A request listing whose every request fails (nothing listens on port
/// 1) ends with an error that says so and exits 1, not 0.
#[test]
fn request_listings_fail_when_no_request_reaches_the_server() {
    let url = "http://127.0.0.1:1/";
    for (id, requests) in [("4.6", 1000), ("4.6a", 100), ("4.7b", 3), ("4.11", 2)] {
        let run = run_bin(BIN, &[id, "--url", url], "");
        assert_eq!(run.code, Some(1), "{id}: {}\n{}", run.stdout, run.stderr);
        let last = run.stderr.lines().last().unwrap_or_default();
        let why = format!("all {requests} request(s) failed: nothing reached http://127.0.0.1:1/");
        assert_eq!(last, format!("error: listing {id} failed: {why}"), "{id}");
    }
    // 4.6 still says what each request got before it fails.
    let run = run_bin(BIN, &["4.6", "--url", url, "--requests", "5"], "");
    let summary = run.lines()[run.position("Connection refused")];
    assert!(summary.ends_with(": 5 request(s)"), "{summary}");
}

#[test]
fn listing_4_8_yields_results_in_completion_order() {
    let run = run(&["4.8", "--scale", "0.05"]);
    assert_eq!(
        lines_starting(&run, "200 "),
        [
            "200 (the 1 s request)",
            "200 (the 1 s request)",
            "200 (the 10 s request)"
        ]
    );
    // Handled as each finished: a result line right after each finish.
    for finished in run.positions("finished fetch_status") {
        assert!(
            run.lines()[finished + 1].starts_with("200 "),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn listing_4_9_times_out_exactly_the_unfinished_ones_and_aborts_them() {
    let run = run(&["4.9", "--scale", "0.3"]);
    assert_eq!(lines_starting(&run, "200").len(), 1, "{}", run.stdout);
    assert_eq!(lines_starting(&run, "We got a timeout error!").len(), 2);
    let running = lines_starting(&run, "still running: task ");
    assert_eq!(running.len(), 2, "{}", run.stdout);
    assert!(running.iter().all(|l| l.ends_with("(the 10 s request)")));
    assert_eq!(
        lines_starting(&run, "aborted the 10 s request: cancelled = true").len(),
        2
    );
    assert!(run.position("We got a timeout error!") > run.position("200"));
}

#[test]
fn listing_4_10_waits_for_all() {
    let run = run(&["4.10"]);
    assert_eq!(counts(&run, "Done task count: "), [2]);
    assert_eq!(counts(&run, "Pending task count: "), [0]);
    assert_eq!(lines_starting(&run, "200").len(), 2);
}

#[test]
fn listing_4_11_reports_the_result_and_the_error() {
    let run = run(&["4.11"]);
    assert_eq!(counts(&run, "Done task count: "), [2]);
    assert_eq!(counts(&run, "Pending task count: "), [0]);
    assert_eq!(lines_starting(&run, "200").len(), 1);
    let error = run.lines()[run.position("ERROR: Request got an exception")];
    assert!(error.contains("python://bad"), "{error}");
    assert!(error.contains("URL scheme is not allowed"), "{error}");
}

#[test]
fn listing_4_12_cancels_the_pending_ones_on_the_first_error() {
    let run = run(&["4.12", "--scale", "0.1"]);
    assert_eq!(counts(&run, "Done task count: "), [1]);
    assert_eq!(counts(&run, "Pending task count: "), [2]);
    assert!(run.stdout.contains("ERROR: Request got an exception"));
    assert_eq!(lines_starting(&run, "cancelled fetch_status").len(), 2);
    assert!(run.stdout.contains("Cancelled 2 pending task(s)"));
    assert_eq!(lines_starting(&run, "200").len(), 0);
}

#[test]
fn listing_4_13_handles_the_first_completed() {
    let run = run(&["4.13"]);
    let done = counts(&run, "Done task count: ");
    let pending = counts(&run, "Pending task count: ");
    assert_eq!(done.len(), 1);
    assert!(done[0] >= 1 && done[0] + pending[0] == 3, "{}", run.stdout);
    assert_eq!(lines_starting(&run, "200").len(), done[0]);
}

#[test]
fn listing_4_14_loops_until_nothing_is_pending() {
    let run = run(&["4.14", "--scale", "0.1"]);
    let done = counts(&run, "Done task count: ");
    let pending = counts(&run, "Pending task count: ");
    assert_eq!(done.iter().sum::<usize>(), 3, "{}", run.stdout);
    assert_eq!(pending.last(), Some(&0));
    // Each round's pending count is what the earlier rounds left.
    let mut left = 3;
    for (d, p) in done.iter().zip(&pending) {
        left -= d;
        assert_eq!(*p, left);
    }
    assert_eq!(lines_starting(&run, "200").len(), 3);
}

#[test]
fn listing_4_14_timeline_shows_three_overlapping_requests() {
    let run = run(&["4.14", "--scale", "0.1", "--timeline"]);
    let bars = lines_starting(&run, "fetch_status(");
    assert_eq!(bars.len(), 3, "{}", run.stdout);
    // All three start in the first columns: they overlap.
    for bar in bars {
        let cells: Vec<char> = bar.split('│').nth(1).unwrap().chars().collect();
        assert!(cells[..3].iter().any(|c| *c != ' '), "{bar}");
    }
}

#[test]
fn listing_4_15_leaves_exactly_one_pending_which_then_completes() {
    let run = run(&["4.15", "--scale", "0.5"]);
    assert_eq!(counts(&run, "Done task count: "), [2]);
    assert_eq!(counts(&run, "Pending task count: "), [1]);
    assert!(
        run.stdout
            .contains("1 task(s) still pending, and still running:")
    );
    assert_eq!(lines_starting(&run, "finished later: 200").len(), 1);
    assert!(run.position("finished later: 200") > run.position("finished main"));
    assert!(!run.stdout.contains("cancelled"), "{}", run.stdout);
}

#[test]
fn listing_4_16_cancels_api_b_and_not_api_a() {
    let run = run(&["4.16", "--scale", "0.5"]);
    assert_eq!(lines_starting(&run, "API A finished: 200").len(), 1);
    assert_eq!(lines_starting(&run, "API B too slow, cancelling").len(), 1);
    assert_eq!(lines_starting(&run, "API B was cancelled").len(), 1);
    assert!(!run.stdout.contains("API A was cancelled"));
    assert!(!run.stdout.contains("API B finished"));
    assert!(run.position("API B too slow") > run.position("API A finished"));
}

#[test]
fn compare_gather_sends_every_row_to_one_demo_server() {
    let run = run_ok(
        BIN,
        &[
            "compare",
            "gather",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--json",
            "--",
            "--requests",
            "5",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("--json is JSON");
    let flags: Vec<&str> = json["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    // `{demo}` became compare's own server, so no row starts one of its own.
    let at = flags
        .iter()
        .position(|f| *f == "--url")
        .expect("a --url flag");
    assert!(
        flags[at + 1].starts_with("http://127.0.0.1:") && !flags[at + 1].contains("{demo}"),
        "{flags:?}"
    );
    assert_eq!(json["listings"].as_array().unwrap().len(), 2);
}
