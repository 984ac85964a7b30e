//! The runner as a user meets it for chapter 14: list, unknown ids, the
//! listings that refuse a paused clock, all.

use test_harness::{assert_lists_every_listing, run_bin};

const BIN: &str = env!("CARGO_BIN_EXE_chapter14");

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, &chapter14::CHAPTER);
    let expected: Vec<String> = (1..=13).map(|n| format!("14.{n}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn an_unknown_id_exits_2() {
    let run = run_bin(BIN, &["14.99"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("chapter 14 has no listing '14.99'"),
        "{}",
        run.stderr
    );
}

#[test]
fn all_runs_every_listing_and_stops() {
    let run = run_bin(BIN, &["all", "--virtual-time"], "");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("13 ok, 0 failed"), "{}", run.stdout);
}
