//! The runner as a user meets it for chapter 14: list, the
//! listings that refuse a paused clock, all.

use test_harness::{assert_lists_every_listing, run_bin};

const BIN: &str = env!("CARGO_BIN_EXE_chapter14");

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, 14, chapter14::CHAPTER.ids());
    let expected: Vec<String> = (1..=13).map(|n| format!("14.{n}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn all_runs_every_listing_and_stops() {
    let run = run_bin(BIN, &["all", "--virtual-time"], "");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("13 ok, 0 failed"), "{}", run.stdout);
}
