//! The runner as a user meets it for chapter 12: list, the
//! listings that refuse a paused clock, all.

use test_harness::{assert_lists_every_listing, run_bin};

const BIN: &str = env!("CARGO_BIN_EXE_chapter12");

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, 12, chapter12::CHAPTER.ids());
    let expected: Vec<String> = (1..=12).map(|n| format!("12.{n}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn the_crawler_and_the_servers_refuse_virtual_time() {
    test_harness::assert_refuse_virtual_time(BIN, &["12.3", "12.4", "12.7", "12.11", "12.12"]);
}

#[test]
#[cfg_attr(not(has_redis), ignore = "redis-server not found: apt install redis-server")]
fn all_runs_every_listing_and_stops() {
    let run = run_bin(BIN, &["all", "--virtual-time", "--scale", "0.02"], "");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("12 ok, 0 failed"), "{}", run.stdout);
}
