//! Chapter 2's named comparisons with their Python row: `compare spawn
//! --python` runs our Python counterpart of the million tasks beside the
//! Rust rows. (The runner's own compare tests run on its fixture chapter.)

const BIN: &str = env!("CARGO_BIN_EXE_chapter02");

#[test]
#[cfg_attr(not(has_python), ignore = "python3 not found: apt install python3")]
fn compare_python_passes_the_flags_both_sides_share() {
    let run = test_harness::run_ok(
        BIN,
        &[
            "compare", "spawn", "--python", "--runs", "1", "--warmup", "0", "--json", "--",
            "--count", "50",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rows = json["listings"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{}", run.stdout);
    for row in rows {
        let args: Vec<&str> = row["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let rust = args.first() == Some(&"2.9a");
        // Rust rows get the flags at run time; Python rows carry them.
        assert!(rust || args.ends_with(&["--count", "50"]), "{args:?}");
    }
    assert_eq!(json["flags"], serde_json::json!(["--count", "50"]));
}
