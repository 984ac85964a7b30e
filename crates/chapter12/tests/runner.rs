//! The runner as a user meets it for chapter 12: list, unknown ids, the
//! listings that refuse a paused clock, all.

use test_harness::{assert_lists_every_listing, run_bin};

const BIN: &str = env!("CARGO_BIN_EXE_chapter12");

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, &chapter12::CHAPTER);
    let expected: Vec<String> = (1..=10).map(|n| format!("12.{n}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn an_unknown_id_exits_2() {
    let run = run_bin(BIN, &["12.11"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("chapter 12 has no listing '12.11'"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_crawler_and_the_servers_refuse_virtual_time() {
    test_harness::assert_refuse_virtual_time(BIN, &["12.3", "12.4", "12.7"]);
}

#[test]
fn all_runs_every_listing_and_stops() {
    let run = run_bin(BIN, &["all", "--virtual-time", "--scale", "0.02"], "");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("10 ok, 0 failed"), "{}", run.stdout);
}
