//! The runner as a user meets it for chapter 11: list and all.

use test_harness::{assert_lists_every_listing, run_bin};

const BIN: &str = env!("CARGO_BIN_EXE_chapter11");

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, 11, chapter11::CHAPTER.ids());
    let expected: Vec<String> = (1..=15).map(|n| format!("11.{n}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn the_request_listing_refuses_virtual_time() {
    let run = run_bin(BIN, &["11.7", "--virtual-time"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("listing 11.7 cannot run with --virtual-time"),
        "{}",
        run.stderr
    );
}

#[test]
fn all_runs_every_listing_and_stops() {
    let run = run_bin(BIN, &["all", "--virtual-time", "--requests", "50"], "");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("15 ok, 0 failed"), "{}", run.stdout);
}
