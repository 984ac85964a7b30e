//! The runner as a user meets it for chapter 7: the list and its options.

use test_harness::run_bin;

const BIN: &str = env!("CARGO_BIN_EXE_chapter07");

#[test]
fn list_json_names_every_registered_listing() {
    let run = run_bin(BIN, &["list", "--json"], "");
    assert_eq!(run.code, Some(0));
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("list --json is JSON");
    let listed: Vec<&str> = json["listings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    let registered: Vec<&str> = chapter07::CHAPTER.listings.iter().map(|l| l.id).collect();
    assert_eq!(listed, registered);
    assert_eq!(registered.len(), 19);
    assert!(registered.contains(&"7.12"), "{registered:?}");
    assert_eq!(json["chapter"], 7);
}

#[test]
fn a_bad_password_count_is_a_usage_error() {
    let run = run_bin(BIN, &["7.16", "--passwords", "many"], "");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}

#[test]
fn ids_covered_by_7_13_run_it() {
    for id in ["7.14", "7.15", "15"] {
        // Without a terminal 7.13 says so and fails; what matters is that
        // it was 7.13 that ran.
        let run = run_bin(BIN, &[id], "");
        assert!(
            run.stderr
                .contains("note: listing 7.13 covers the book's 7.13–7.15"),
            "{id}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("has no listing"),
            "{id}: {}",
            run.stderr
        );
    }
}

#[test]
fn unknown_ids_are_answered_by_their_place_in_the_book() {
    for (id, hint) in [
        ("7.11b", "did you mean 7.11 or 7.11a?"),
        ("7.30", "the chapter's listings run from 7.1 to 7.19"),
    ] {
        let run = run_bin(BIN, &[id], "");
        assert_eq!(run.code, Some(2), "{id}");
        assert!(run.stderr.contains(hint), "{id}: {}", run.stderr);
        assert!(
            !run.stderr.contains("did you mean 7.1?"),
            "{id}: {}",
            run.stderr
        );
    }
}

#[test]
fn chapter_options_are_typed_and_shown_under_their_own_heading() {
    let run = run_bin(BIN, &["--help"], "");
    assert_eq!(run.code, Some(0));
    let options = &run.stdout[run.stdout.find("Options of chapter 7").expect("a heading")..];
    assert!(options.contains("--passwords <N>"), "{options}");
    assert!(options.contains("[default: 10000]"), "{options}");
    // The subcommands that run listings take them too; list does not.
    assert!(
        run_bin(BIN, &["walk", "--help"], "")
            .stdout
            .contains("--passwords")
    );
    let list = run_bin(BIN, &["list", "--passwords", "3"], "");
    assert_eq!(list.code, Some(2));
}
