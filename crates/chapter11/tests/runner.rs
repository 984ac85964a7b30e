//! The runner as a user meets it for chapter 11: list, unknown ids, all.

use shared_util::testing::run_bin;

const BIN: &str = env!("CARGO_BIN_EXE_chapter11");

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
    let registered: Vec<&str> = chapter11::CHAPTER.listings.iter().map(|l| l.id).collect();
    assert_eq!(listed, registered);
    let expected: Vec<String> = (1..=14).map(|n| format!("11.{n}")).collect();
    assert_eq!(registered, expected);
    assert_eq!(json["chapter"], 11);
}

#[test]
fn an_unknown_id_exits_2() {
    let run = run_bin(BIN, &["11.15"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("chapter 11 has no listing '11.15'"),
        "{}",
        run.stderr
    );
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
    assert!(run.stdout.contains("14 ok, 0 failed"), "{}", run.stdout);
}
