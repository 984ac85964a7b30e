//! The runner as a user meets it for chapter 9: list, bad
//! options, a port in use, servers refusing a paused clock, all.

use crate::common::BIN;
use test_harness::{assert_lists_every_listing, run_bin};

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, 9, chapter09::CHAPTER.ids());
    let expected = [
        "9.1", "9.2", "9.3", "9.4", "9.5", "9.6", "9.8", "9.8a", "9.9", "9.10", "9.11", "9.12",
    ];
    assert_eq!(ids, expected);
}

#[test]
fn bad_options_exit_2_with_one_line() {
    for args in [
        ["9.2", "--pool", "0"],
        ["9.5", "--threads", "x"],
        ["9.4", "--body-limit", "-1"],
    ] {
        let run = run_bin(BIN, &args, "");
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(args[1]), "{}", run.stderr);
    }
    let run = run_bin(BIN, &["9.8a", "--seconds", "0"], "");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("--seconds must be more than 0"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_port_in_use_is_reported_clearly() {
    test_harness::assert_port_in_use_reported(BIN, &["9.1", "9.9"]);
}

#[test]
fn the_servers_refuse_virtual_time() {
    test_harness::assert_refuse_virtual_time(BIN, &["9.1", "9.9", "9.12"]);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn all_runs_every_listing_and_stops() {
    let run = run_bin(BIN, &["all", "--scale", "0.1", "--quiet"], "");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("12 ok, 0 failed"), "{}", run.stdout);
}
