//! The runner as a user meets it in chapter 4: the listing table, and the
//! whole chapter in one `all` run.

use test_harness::{assert_lists_every_listing, run_bin};

const BIN: &str = env!("CARGO_BIN_EXE_chapter04");

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, 4, chapter04::CHAPTER.ids());
    let expected = [
        "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.6a", "4.7", "4.7a", "4.7b", "4.8", "4.9",
        "4.10", "4.11", "4.12", "4.13", "4.14", "4.15", "4.16",
    ];
    assert_eq!(ids, expected);
}

#[test]
fn only_the_delay_listings_accept_virtual_time() {
    for id in ["4.2", "4.6", "4.8"] {
        let run = run_bin(BIN, &[id, "--virtual-time"], "");
        assert_eq!(run.code, Some(2), "{id}: {}", run.stderr);
        assert!(run.stderr.contains("cannot run with --virtual-time"));
    }
}

/// Five requests: 4.6a sends them one after another at 300 ms each, so
/// the count sets how long the whole run takes.
#[test]
fn all_runs_the_whole_chapter() {
    let run = run_bin(
        BIN,
        &[
            "all",
            "--virtual-time",
            "--scale",
            "0.05",
            "--requests",
            "5",
        ],
        "",
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
            .contains("ran 19 listing(s) of chapter 4: 19 ok, 0 failed"),
        "{}",
        run.stdout
    );
}
