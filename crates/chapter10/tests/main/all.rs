//! `all`, which must run every listing (the servers with their scripted
//! clients), stop by itself, and leave no process behind: no service, no
//! demo database.
//!
//! It is the chapter's longest test (about 20 s: the services wait in real
//! time), so it has a module whose name sorts first: libtest starts tests
//! in name order, and the others then share the second thread while it
//! runs, instead of it running alone at the end.

use test_harness::{MARKER_VAR, assert_nothing_left, new_marker, run_bin_with, run_temp_dir};

const BIN: &str = env!("CARGO_BIN_EXE_chapter10");

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn runs_every_listing_stops_and_leaves_nothing() {
    let marker = new_marker("ch10-all");
    let dir = run_temp_dir(&marker);
    let run = run_bin_with(
        BIN,
        &["all", "--virtual-time"],
        "",
        &[(MARKER_VAR, &marker), ("TMPDIR", dir.to_str().unwrap())],
    );
    assert_eq!(
        run.code,
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stdout
            .contains("ran 13 listing(s) of chapter 10: 13 ok, 0 failed"),
        "{}",
        run.stdout
    );
    // One demo database for the whole run.
    assert_eq!(run.stderr.matches("demo database: PostgreSQL").count(), 1);
    assert_nothing_left(&marker, &dir);
}
