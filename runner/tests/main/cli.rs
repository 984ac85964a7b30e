//! The runner as a user meets it, on the fixture chapter (chapter 99):
//! list, ids, refused flags, walk, all, compare, help and signals.

use test_harness::{assert_lists_every_listing, run_bin};

use crate::BIN;

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, 99, ["99.1", "99.2", "99.3", "99.4", "99.5", "99.6"]);
    assert_eq!(ids.len(), 6);
}

#[test]
fn list_shows_a_table() {
    let run = run_bin(BIN, &["list"], "");
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.contains("99.5"), "{}", run.stdout);
    assert!(run.stdout.contains("current-thread"));
    assert!(run.stdout.contains("virtual"));
}

#[test]
fn ids_can_be_spelled_three_ways() {
    for id in ["99.2", "2", "99_2"] {
        let run = run_bin(BIN, &[id], "");
        assert_eq!((run.code, run.stdout.as_str()), (Some(0), "2\n3\n"), "{id}");
    }
}

#[test]
fn an_unknown_id_exits_2_with_the_valid_ids_and_a_suggestion() {
    let run = run_bin(BIN, &["42"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("chapter 99 has no listing '42'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("the chapter's listings run from 99.1 to 99.6"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("valid ids: 99.1 99.2 99.3 99.4 99.5 99.6"),
        "{}",
        run.stderr
    );
}

#[test]
fn virtual_time_is_refused_by_listings_that_need_the_real_clock() {
    let run = run_bin(BIN, &["99.3", "--virtual-time"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("listing 99.3 cannot run with --virtual-time"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn bad_flags_exit_2_with_a_message() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["99.4", "--url", "example.com"],
            "invalid --url 'example.com'",
        ),
        (
            &["99.1", "--runtime", "green-threads"],
            "invalid value 'green-threads'",
        ),
        (
            &["99.1", "--virtual-time", "--runtime", "multi-thread"],
            "--virtual-time pauses the clock",
        ),
        (&["99.1", "99.2"], "unexpected argument '99.2'"),
    ];
    for (args, message) in cases {
        let run = run_bin(BIN, args, "");
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_failing_listing_exits_1_with_the_error_chain() {
    // Nothing listens on port 9 of loopback: the request fails to connect.
    let run = run_bin(BIN, &["99.4", "--url", "http://127.0.0.1:9/"], "");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("listing 99.4 failed"), "{}", run.stderr);
}

#[test]
fn source_prints_the_listing_before_running_it() {
    let run = run_bin(BIN, &["99.2", "--source"], "");
    assert_eq!(run.code, Some(0));
    assert!(
        run.stdout.starts_with("  1 │ //! Listing 99.2"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("2\n3\n"));
}

#[test]
fn walk_shows_the_source_runs_on_enter_and_stops_on_q() {
    // Enter runs 99.1, Enter moves to 99.2, q stops before running it.
    let run = run_bin(BIN, &["walk", "99.1", "--virtual-time"], "\n\nq\n");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = &run.stdout;
    let source_1 = out
        .find("//! Listing 99.1 ")
        .expect("99.1's source is shown");
    let output_1 = out.find("slept 1 second").expect("99.1 ran");
    let source_2 = out
        .find("//! Listing 99.2 ")
        .expect("99.2's source is shown");
    assert!(source_1 < output_1 && output_1 < source_2, "{out}");
    assert!(out.contains("── output of 99.1"));
    assert!(
        !out.contains("── output of 99.2"),
        "99.2 ran after q:\n{out}"
    );
    assert!(!out.contains("Listing 99.3"));
}

#[test]
fn walk_through_a_pipe_takes_r_and_b_on_lines_of_their_own() {
    // Enter runs 99.2, r runs it again, b goes back to 99.1, Enter runs
    // 99.1, q stops.
    let run = run_bin(BIN, &["walk", "99.2", "--virtual-time"], "\nr\nb\n\nq\n");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = &run.stdout;
    assert_eq!(out.matches("── output of 99.2").count(), 2, "{out}");
    assert!(out.contains("[r] run 99.2 again"), "{out}");
    let back = out.find("//! Listing 99.1 ").expect("b went back to 99.1");
    assert!(out.rfind("── output of 99.2").unwrap() < back, "{out}");
    assert_eq!(out.matches("── output of 99.1").count(), 1, "{out}");
    assert!(!out.contains("//! Listing 99.3 "), "{out}");
}

#[test]
fn all_runs_every_listing_and_counts_them() {
    // Under --virtual-time, `all` runs the listings that need the real
    // clock on it, and says so.
    let run = run_bin(BIN, &["all", "--virtual-time", "--count", "1000000"], "");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout.matches("(real clock: ").count(),
        3,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("ran 6 listing(s) of chapter 99: 6 ok, 0 failed"),
        "{}",
        run.stdout
    );
    for id in ["99.1", "99.2", "99.3", "99.4", "99.5", "99.6"] {
        assert!(
            run.stdout.contains(&format!("=== Listing {id} — ")),
            "{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("HTTP/1.1 200 OK"), "{}", run.stdout);
    assert!(run.stdout.contains("thread returned 20"), "{}", run.stdout);
}

#[test]
fn walk_without_pausing_runs_the_whole_chapter() {
    let run = run_bin(BIN, &["walk", "--no-pause", "--count", "1000000"], "");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("end of chapter 99."));
    assert_eq!(run.stdout.matches("── output of ").count(), 6);
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    // Like `chapter02 all | head -1`: the reader goes away early.
    let mut child = std::process::Command::new(BIN)
        .args(["all", "--count", "1000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(output.status.code(), Some(101));
}

#[test]
fn an_unknown_worker_exits_2() {
    let run = run_bin(BIN, &["__worker", "nope"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("has no worker 'nope'"),
        "{}",
        run.stderr
    );
}

#[test]
fn compare_puts_two_listings_side_by_side() {
    let run = run_bin(
        BIN,
        &["compare", "99.1", "99.2", "--runs", "2", "--warmup", "0"],
        "",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rows: Vec<&str> = run
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("99.1 ") || l.starts_with("99.2 "))
        .collect();
    // One table row and one bar per listing.
    assert_eq!(rows.len(), 4, "{}", run.stdout);
    assert!(run.stdout.contains("vs 99.1"), "{}", run.stdout);
}

#[test]
fn compare_json_ratios_come_from_the_recorded_runs() {
    let run = run_bin(
        BIN,
        &[
            "compare", "99.1", "99.2", "--runs", "3", "--warmup", "0", "--json",
        ],
        "",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("compare --json is JSON");
    let listings = json["listings"].as_array().unwrap();
    assert_eq!(listings.len(), 2);
    assert_eq!(listings[0]["label"], "99.1");
    let walls = |i: usize| -> Vec<f64> {
        listings[i]["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["wall_s"].as_f64().unwrap())
            .collect()
    };
    let (first, second) = (walls(0), walls(1));
    assert_eq!((first.len(), second.len()), (3, 3));
    let mut ratios: Vec<f64> = second.iter().zip(&first).map(|(b, a)| b / a).collect();
    ratios.sort_by(f64::total_cmp);
    let reported = listings[1]["ratio_to_first"].as_f64().unwrap();
    assert!(
        (reported - ratios[1]).abs() < 1e-9,
        "{reported} vs {ratios:?}"
    );
    assert_eq!(listings[0]["ratio_to_first"].as_f64().unwrap(), 1.0);
    // Each child reported its own CPU time and memory.
    assert!(listings[1]["peak_rss_bytes"].as_u64().unwrap() > 0);
}

#[test]
fn compare_stops_with_exit_1_naming_the_listing_that_failed() {
    let run = run_bin(
        BIN,
        &[
            "compare",
            "99.1",
            "99.4 --url http://127.0.0.1:9/",
            "--runs",
            "1",
            "--warmup",
            "0",
        ],
        "",
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("run 1 of listing 99.4"),
        "{}",
        run.stderr
    );
}

#[test]
fn ctrl_c_works_even_when_inherited_as_ignored() {
    // A shell without job control starts background commands with SIGINT
    // ignored; the runner restores the default so Ctrl-C still ends a run.
    use std::io::Read as _;
    use std::os::unix::process::ExitStatusExt as _;
    use std::time::{Duration, Instant};

    let mut child = std::process::Command::new("sh")
        .args(["-c", &format!("trap '' INT; exec {BIN} walk")])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until walk shows its first prompt: it then blocks reading stdin.
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("[Enter] run 99.1") {
        let n = stdout.read(&mut buffer).unwrap();
        assert!(
            n > 0,
            "walk ended early: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buffer[..n]);
    }
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("SIGINT did not end the run");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.signal(), Some(2), "{status:?}");
}

#[test]
fn compare_runs_a_named_set_with_its_own_flags() {
    let list = run_bin(BIN, &["compare", "--list"], "");
    assert!(list.stdout.contains("runtimes"), "{}", list.stdout);
    let run = run_bin(
        BIN,
        &[
            "compare", "runtimes", "--runs", "1", "--warmup", "0", "--json", "--", "--count",
            "1000",
        ],
        "",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let labels: Vec<&str> = json["listings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["99.3", "99.3 --runtime multi-thread"]);
    assert_eq!(json["flags"], serde_json::json!(["--count", "1000"]));
}

#[test]
fn compare_python_refuses_flags_that_would_change_one_side_only() {
    let run = run_bin(
        BIN,
        &[
            "compare",
            "spawn",
            "--python",
            "--",
            "--runtime",
            "multi-thread",
        ],
        "",
    );
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("would change the Rust side only"),
        "{}",
        run.stderr
    );
}

#[test]
fn compare_refuses_an_unwritable_chart_before_running_anything() {
    let run = run_bin(
        BIN,
        &[
            "compare",
            "99.1",
            "99.2",
            "--svg",
            "/nonexistent-dir/chart.svg",
        ],
        "",
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("could not write /nonexistent-dir/chart.svg"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("comparing"), "{}", run.stderr);
}

#[test]
fn compare_explains_a_failed_child_by_its_error_line() {
    let run = run_bin(
        BIN,
        &[
            "compare",
            "99.1",
            "99.2",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--",
            "--nonsense",
        ],
        "",
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: unexpected argument '--nonsense'"),
        "{}",
        run.stderr
    );
}

#[test]
fn compare_refuses_two_output_formats_at_once() {
    let run = run_bin(
        BIN,
        &["compare", "99.1", "99.2", "--json", "--markdown"],
        "",
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
}

/// `SUB --help`'s flag names (`--json`, `--runs`, ...).
fn flags_in_help(args: &[&str]) -> Vec<String> {
    let run = run_bin(BIN, args, "");
    assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
    run.stdout
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .map(|w| w.trim_end_matches([',', '.']).to_owned())
        .collect()
}

#[test]
fn each_subcommand_help_lists_only_its_own_flags() {
    let has = |flags: &[String], flag: &str| flags.iter().any(|f| f == flag);
    let list = flags_in_help(&["list", "--help"]);
    assert!(has(&list, "--json"), "{list:?}");
    for flag in ["--runs", "--timeline", "--python", "--no-pause", "--count"] {
        assert!(!has(&list, flag), "list --help shows {flag}: {list:?}");
    }
    let compare = flags_in_help(&["compare", "--help"]);
    for flag in [
        "--runs",
        "--warmup",
        "--json",
        "--markdown",
        "--svg",
        "--python",
        "--list",
    ] {
        assert!(
            has(&compare, flag),
            "compare --help lacks {flag}: {compare:?}"
        );
    }
    for flag in ["--timeline", "--no-pause", "--count", "--source"] {
        assert!(!has(&compare, flag), "compare --help shows {flag}");
    }
    let walk = flags_in_help(&["walk", "--help"]);
    for flag in ["--no-pause", "--timeline", "--virtual-time", "--count"] {
        assert!(has(&walk, flag), "walk --help lacks {flag}: {walk:?}");
    }
    for flag in ["--runs", "--json", "--python", "--svg"] {
        assert!(!has(&walk, flag), "walk --help shows {flag}");
    }
}

#[test]
fn a_flag_of_another_command_says_where_it_belongs() {
    let bin = "cargo run -p chapter99 --";
    for (args, said) in [
        (
            &["list", "--runs", "3"][..],
            format!("`--runs` belongs to `compare`: `{bin} compare --runs 3`"),
        ),
        (
            &["99.2", "--no-pause"],
            format!("`--no-pause` belongs to `walk`: `{bin} walk 99.2 --no-pause`"),
        ),
        (
            &["99.2", "--runs", "3"],
            format!("`--runs` belongs to `compare`: `{bin} compare 99.2 --runs 3`"),
        ),
        (
            &["99.2", "--json"],
            format!("`--json` belongs to `list`: `{bin} list 99.2 --json`"),
        ),
        (
            &["all", "--python"],
            format!("`--python` belongs to `compare`: `{bin} compare --python`"),
        ),
        (
            &["list", "--timeline"],
            "`--timeline` belongs to a listing run (and `all`, `walk`)".to_owned(),
        ),
    ] {
        let run = run_bin(BIN, args, "");
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(run.stderr.contains(&said), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("similar argument"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}");
    }
    // A flag nobody takes keeps clap's own error.
    let run = run_bin(BIN, &["99.2", "--nonsense"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("unexpected argument '--nonsense'"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_shared_flag_the_listing_does_not_read_is_refused_naming_who_reads_it() {
    let run = run_bin(BIN, &["99.1", "--url", "http://127.0.0.1:9/"], "");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("listing 99.1 does not read --url (listing 99.4 does: leave it out, or run one of those)"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    let run = run_bin(BIN, &["99.1", "--port", "80"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("listing 99.1 does not read --port (no listing of chapter 99 reads it"),
        "{}",
        run.stderr
    );
    // `all` takes a flag some listing reads, and refuses one none does.
    assert_eq!(run_bin(BIN, &["all", "--port", "80"], "").code, Some(2));
    let help = run_bin(BIN, &["--help"], "");
    assert!(help.stdout.contains("--url"), "{}", help.stdout);
    assert!(!help.stdout.contains("--database-url"), "{}", help.stdout);
    assert!(!help.stdout.contains("--port"), "{}", help.stdout);
}

#[test]
fn negative_numbers_get_a_plain_range_error() {
    for (args, message) in [
        (
            &["99.3", "--count", "-5"][..],
            "'-5' is not a whole number 1 or more",
        ),
        (&["99.1", "--scale", "-1"], "'-1' is not a factor above 0"),
        (
            &["99.1", "--workers", "0"],
            "'0' is not a whole number from 1 to 1024",
        ),
        (
            &["99.3", "--slow-poll-ms", "0"],
            "'0' is not a whole number 1 or more",
        ),
    ] {
        let run = run_bin(BIN, args, "");
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("tip:"), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn help_shows_this_chapters_own_examples() {
    let run = run_bin(BIN, &["--help"], "");
    assert_eq!(run.code, Some(0));
    let examples = &run.stdout[run.stdout.find("Examples:").expect("an Examples section")..];
    assert!(examples.contains("99.1 --timeline"), "{examples}");
    assert!(examples.contains("compare runtimes"), "{examples}");
    assert!(
        run.stdout.contains("`99.1`, `1` or `99_1`"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_misspelt_command_is_suggested() {
    let run = run_bin(BIN, &["lsit"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("did you mean the `list` command?"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_id_of_another_chapter_names_its_binary() {
    let run = run_bin(BIN, &["3.4"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("`cargo run -p chapter03 -- 3.4`"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unwritable_timeline_path_is_refused_before_the_listing_runs() {
    let run = run_bin(
        BIN,
        &["99.2", "--timeline-svg", "/nonexistent-dir/t.svg"],
        "",
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cannot write the timeline to /nonexistent-dir/t.svg"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "the listing ran: {}", run.stdout);
}

#[test]
fn a_scaling_set_grows_to_the_cpus_and_pins_each_row() {
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let run = run_bin(
        BIN,
        &[
            "compare", "scaling", "--runs", "1", "--warmup", "0", "--json",
        ],
        "",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let threads: Vec<u64> = json["scaling"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["threads"].as_u64().unwrap())
        .collect();
    // 1, 2, 4, ... and every CPU.
    let mut expected: Vec<u64> = std::iter::successors(Some(1), |n| Some(n * 2))
        .take_while(|n| *n <= cpus as u64)
        .collect();
    if expected.last() != Some(&(cpus as u64)) {
        expected.push(cpus as u64);
    }
    assert_eq!(threads, expected, "{}", run.stdout);
    let first = &json["listings"][0];
    assert_eq!(first["label"], "99.3 --workers 1");
    // Pinned to its first CPU (taskset here), one CPU per thread.
    if let Some(pinned) = first["cpus"].as_str() {
        assert_eq!(pinned.split(',').count(), 1, "{pinned}");
    }
    assert_eq!(json["scaling"][0]["efficiency"].as_f64(), Some(1.0));
    let list = run_bin(BIN, &["compare", "--list"], "");
    assert!(
        list.stdout
            .contains("grows: --workers 1, 2, 4, ... up to every CPU"),
        "{}",
        list.stdout
    );
}

#[cfg(not(feature = "console"))]
#[test]
fn console_without_its_feature_is_a_usage_error_naming_the_rebuild() {
    for args in [
        &["99.6", "--console"][..],
        &["all", "--console-port", "6669"],
    ] {
        let run = run_bin(BIN, args, "");
        assert_eq!(run.code, Some(2), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        let command = format!(
            "`cargo run -p chapter99 --features console -- {}`",
            args.join(" ")
        );
        assert!(run.stderr.contains(&command), "{}", run.stderr);
    }
}
