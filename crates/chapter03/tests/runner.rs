//! The runner as a user meets it: `list --json`, `all`, and each listing's
//! `--demo` run telling its story in order.

use shared_util::testing::{Run, assert_lists_every_listing, run_bin};

const BIN: &str = env!("CARGO_BIN_EXE_chapter03");

fn demo(id: &str) -> Run {
    let run = run_bin(BIN, &[id, "--demo"], "");
    assert_eq!(run.code, Some(0), "{id}\n{}\n{}", run.stdout, run.stderr);
    run
}

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, &chapter03::CHAPTER);
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
