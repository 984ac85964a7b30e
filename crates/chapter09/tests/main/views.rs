//! The interface lesson (9.6), the measured load (9.8a), the async view
//! (9.11) and the bridges (9.12), run as a user runs them. Concurrency is
//! asserted by counts (requests held at once, calls running at once),
//! never by time.

use crate::common::{BIN, assert_error, database_url, get};
use test_harness::{ServerChild, Signal, run_ok};

#[test]
fn listing_9_6_serves_and_calls_both_interfaces() {
    let run = run_ok(BIN, &["9.6"]);
    assert_eq!(
        run.lines(),
        [
            "blocking server, WSGI-style fn: 200 OK WSGI hello!",
            "hyper, tower Service: 200 OK ASGI hello!",
            "AsgiApplication called directly: ASGI hello!",
            "axum Router called directly: axum hello!",
        ]
    );
}

#[test]
fn listing_9_11_fans_out_all_requests_at_once_and_lists_failures() {
    let run = run_ok(
        BIN,
        &[
            "9.11",
            "--demo",
            "--requests",
            "100",
            "--latency-ms",
            "1000",
        ],
    );
    let out = &run.stdout;
    assert!(out.contains("-> 200 OK in "), "{out}");
    assert!(
        out.contains(": 100 success row(s), 0 failure row(s)"),
        "{out}"
    );
    // All 100 were in flight at the demo server at once: about one latency, not 100.
    assert!(
        out.contains("the demo server saw at most 100 request(s) at once (one takes 1000 ms)"),
        "{out}"
    );
    assert!(
        out.contains(": 0 success row(s), 3 failure row(s)"),
        "{out}"
    );
    assert!(out.contains("Connection refused"), "{out}");
    assert!(
        out.contains("request_num must be a number from 1 to 10000, not 'many'"),
        "{out}"
    );
}

#[test]
fn listing_9_11_refuses_bad_queries_in_json() {
    let server = ServerChild::start(BIN, &["9.11"]);
    assert_error(&get(server.port, "/requests"), 400, "url is required");
    assert_error(
        &get(server.port, "/requests?url=ftp://x&request_num=1"),
        400,
        "http:// or https://",
    );
    assert_error(
        &get(
            server.port,
            "/requests?url=http://127.0.0.1:9/&request_num=0",
        ),
        400,
        "from 1 to 10000",
    );
    // A page is escaped: a failure text cannot inject markup.
    let (status, page) = get(
        server.port,
        "/requests?url=http://127.0.0.1:9/%3Cb%3E&request_num=2",
    );
    assert_eq!(status, 200);
    assert_eq!(page.matches(r#"<tr class="failure">"#).count(), 2, "{page}");
    assert!(!page.contains("<b>"), "{page}");
    server.signal(Signal::SIGINT);
}

#[test]
fn listing_9_12_runs_blocking_calls_on_a_bounded_pool_and_async_code_from_a_blocking_view() {
    let run = run_ok(
        BIN,
        &[
            "9.12",
            "--demo",
            "--scale",
            "0.1",
            "--limit",
            "3",
            "--latency-ms",
            "100",
        ],
    );
    let out = &run.stdout;
    assert!(
        out.contains("a blocking pool of at most 3 thread(s)"),
        "{out}"
    );
    // As many calls as threads: all at once. Twice as many: still 3 at once, the rest wait.
    assert!(
        out.contains("3 call(s) of sleep(0.1) on the blocking pool of 3: "),
        "{out}"
    );
    assert!(
        out.contains("6 call(s) of sleep(0.1) on the blocking pool of 3: "),
        "{out}"
    );
    assert_eq!(out.matches("s, at most 3 at once").count(), 2, "{out}");
    // thread_sensitive: one at a time.
    assert!(
        out.contains("3 call(s) of sleep(0.1) on one thread: "),
        "{out}"
    );
    assert!(out.contains("s, at most 1 at once"), "{out}");
    assert!(out.contains("request_num=10 -> 200 OK in "), "{out}");
    assert!(out.contains(": 10 success row(s)"), "{out}");
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_9_8a_the_async_server_holds_every_connection_on_one_thread() {
    let url = database_url();
    let run = run_ok(
        BIN,
        &[
            "9.8a",
            "--database-url",
            &url,
            "--seconds",
            "1",
            "--connections",
            "20",
            "--threads",
            "4",
        ],
    );
    let out = &run.stdout;
    let row = |name: &str| -> Vec<String> {
        let line = out
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {out}"));
        line[name.len()..]
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    // threads, at once, requests, req/s, p50, p99, errors
    let blocking = row("blocking, a thread per request (9.5)");
    let asynchronous = row("async, axum on one thread (9.2)");
    assert_eq!(blocking[0], "4");
    assert!(blocking[1].parse::<usize>().unwrap() <= 4, "{out}");
    assert_eq!(asynchronous[0], "1");
    assert!(
        asynchronous[1].parse::<usize>().unwrap() > 4,
        "more requests than the blocking threads at once: {out}"
    );
    for row in [&blocking, &asynchronous] {
        assert!(row[2].parse::<u64>().unwrap() > 0, "{out}");
        assert_eq!(row[6], "0", "no errors: {out}");
    }
}
