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
    assert_eq!(registered.len(), 18);
    assert_eq!(json["chapter"], 7);
}

#[test]
fn a_bad_password_count_is_a_usage_error() {
    let run = run_bin(BIN, &["7.16", "--passwords", "many"], "");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}
