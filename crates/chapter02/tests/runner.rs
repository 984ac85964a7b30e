//! The runner as a user meets it: list, unknown ids, refused flags, walk,
//! all.

use test_harness::{assert_lists_every_listing, run_bin};

const BIN: &str = env!("CARGO_BIN_EXE_chapter02");

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, &chapter02::CHAPTER);
    assert_eq!(ids.len(), 26);
}

#[test]
fn list_shows_a_table() {
    let run = run_bin(BIN, &["list"], "");
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.contains("2.15a"));
    assert!(run.stdout.contains("current-thread"));
}

#[test]
fn ids_can_be_spelled_three_ways() {
    for id in ["2.4", "4", "2_4"] {
        let run = run_bin(BIN, &[id], "");
        assert_eq!((run.code, run.stdout.as_str()), (Some(0), "2\n3\n"), "{id}");
    }
}

#[test]
fn an_unknown_id_exits_2_with_the_valid_ids_and_a_suggestion() {
    let run = run_bin(BIN, &["99"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("chapter 2 has no listing '99'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("the chapter's listings run from 2.1 to 2.24"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("valid ids: 2.1 2.2"), "{}", run.stderr);
}

#[test]
fn virtual_time_is_refused_by_listings_that_need_the_real_clock() {
    let run = run_bin(BIN, &["2.18", "--virtual-time"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("listing 2.18 cannot run with --virtual-time"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn bad_flags_exit_2_with_a_message() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["2.20", "--url", "example.com"],
            "invalid --url 'example.com'",
        ),
        (
            &["2.9", "--runtime", "green-threads"],
            "invalid value 'green-threads'",
        ),
        (
            &["2.9", "--virtual-time", "--runtime", "multi-thread"],
            "--virtual-time pauses the clock",
        ),
        (&["2.9", "2.10"], "unexpected argument '2.10'"),
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
    let run = run_bin(BIN, &["2.20", "--url", "http://127.0.0.1:9/"], "");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("listing 2.20 failed"), "{}", run.stderr);
}

#[test]
fn source_prints_the_listing_before_running_it() {
    let run = run_bin(BIN, &["2.4", "--source"], "");
    assert_eq!(run.code, Some(0));
    assert!(
        run.stdout.starts_with("  1 │ //! Listing 2.4"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("2\n3\n"));
}

#[test]
fn walk_shows_the_source_runs_on_enter_and_stops_on_q() {
    // Enter runs 2.8, Enter moves to 2.9, q stops before running it.
    let run = run_bin(BIN, &["walk", "2.8", "--virtual-time"], "\n\nq\n");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = &run.stdout;
    let source_2_8 = out.find("//! Listing 2.8 ").expect("2.8's source is shown");
    let output_2_8 = out
        .find("tokio::runtime::task::join::JoinHandle<u64>")
        .expect("2.8 ran");
    let source_2_9 = out.find("//! Listing 2.9 ").expect("2.9's source is shown");
    assert!(source_2_8 < output_2_8 && output_2_8 < source_2_9, "{out}");
    assert!(out.contains("── output of 2.8"));
    assert!(!out.contains("── output of 2.9"), "2.9 ran after q:\n{out}");
    assert!(!out.contains("Listing 2.9a"));
}

#[test]
fn walk_through_a_pipe_takes_r_and_b_on_lines_of_their_own() {
    // Enter runs 2.8, r runs it again, b goes back to 2.7, Enter runs 2.7,
    // q stops.
    let run = run_bin(BIN, &["walk", "2.8", "--virtual-time"], "\nr\nb\n\nq\n");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = &run.stdout;
    assert_eq!(out.matches("── output of 2.8").count(), 2, "{out}");
    assert!(out.contains("[r] run 2.8 again"), "{out}");
    let back = out.find("//! Listing 2.7 ").expect("b went back to 2.7");
    assert!(out.rfind("── output of 2.8").unwrap() < back, "{out}");
    assert_eq!(out.matches("── output of 2.7").count(), 1, "{out}");
    assert!(!out.contains("//! Listing 2.9 "), "{out}");
}

#[test]
fn walk_on_a_terminal_answers_single_keys() {
    use test_harness::tmux::{self, Tmux};

    // The prompts go to a file so the test can read all of them; the keys
    // come from tmux's terminal, without Enter.
    let out = std::env::temp_dir().join(format!("walk-keys-{}.txt", std::process::id()));
    let app = format!("{BIN} walk 2.8 --virtual-time > {}", out.display());
    let Some(tmux) = Tmux::start("chapter02-walk", (100, 30), &tmux::then_report_exit(&app)) else {
        return;
    };
    let written = || std::fs::read_to_string(&out).unwrap_or_default();
    let wait_for = |what: &str, ok: &dyn Fn(&str) -> bool| {
        let deadline = std::time::Instant::now() + tmux::TMUX_WAIT;
        while !ok(&written()) {
            assert!(
                std::time::Instant::now() < deadline,
                "never saw {what}:\n{}",
                written()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    wait_for("the first prompt", &|o| {
        o.contains("[Enter] run 2.8   [b] back   [q] quit")
    });
    tmux.keys(&["Space"]);
    wait_for("2.8's output and the prompt after it", &|o| {
        o.contains("[r] run 2.8 again")
    });
    tmux.keys(&["r"]);
    wait_for("2.8 run again", &|o| {
        o.matches("[r] run 2.8 again").count() == 2
    });
    tmux.keys(&["b"]);
    wait_for("2.7's source", &|o| o.contains("//! Listing 2.7 "));
    tmux.keys(&["q"]);
    let screen = tmux.wait("the exit code and stty -a", |s| {
        s.contains("EXITED") && s.contains("icanon")
    });
    assert!(screen.contains("EXITED 0"), "{screen}");
    assert!(
        screen.contains(" icanon") && !screen.contains("-icanon"),
        "raw mode left on:\n{screen}"
    );
    let written = written();
    let _ = std::fs::remove_file(&out);
    assert_eq!(written.matches("── output of 2.8").count(), 2, "{written}");
    assert!(!written.contains("── output of 2.7"), "{written}");
}

#[test]
fn all_runs_every_listing_and_counts_them() {
    let run = run_bin(BIN, &["all", "--virtual-time", "--count", "1000000"], "");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("ran 26 listing(s) of chapter 2: 26 ok, 0 failed"),
        "{}",
        run.stdout
    );
    for listing in chapter02::CHAPTER.listings {
        assert!(
            run.stdout
                .contains(&format!("=== Listing {} — ", listing.id))
        );
    }
}

#[test]
fn walk_without_pausing_runs_the_whole_chapter() {
    let run = run_bin(
        BIN,
        &["walk", "--no-pause", "--virtual-time", "--count", "1000000"],
        "",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("end of chapter 2."));
    assert_eq!(run.stdout.matches("── output of ").count(), 26);
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    // Like `chapter02 all | head -1`: the reader goes away early.
    let mut child = std::process::Command::new(BIN)
        .args(["all", "--virtual-time", "--count", "1000"])
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
        &["compare", "2.1", "2.4", "--runs", "2", "--warmup", "0"],
        "",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rows: Vec<&str> = run
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("2.1 ") || l.starts_with("2.4 "))
        .collect();
    // One table row and one bar per listing.
    assert_eq!(rows.len(), 4, "{}", run.stdout);
    assert!(run.stdout.contains("vs 2.1"), "{}", run.stdout);
}

#[test]
fn compare_json_ratios_come_from_the_recorded_runs() {
    let run = run_bin(
        BIN,
        &[
            "compare", "2.1", "2.4", "--runs", "3", "--warmup", "0", "--json",
        ],
        "",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("compare --json is JSON");
    let listings = json["listings"].as_array().unwrap();
    assert_eq!(listings.len(), 2);
    assert_eq!(listings[0]["label"], "2.1");
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
            "2.1",
            "2.20",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--",
            "--url",
            "http://127.0.0.1:9/",
        ],
        "",
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("run 1 of listing 2.20"),
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
    while !String::from_utf8_lossy(&seen).contains("[Enter] run 2.1") {
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
    assert_eq!(labels, ["2.19", "2.19 --runtime multi-thread"]);
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
            "2.1",
            "2.4",
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
            "2.1",
            "2.4",
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
    let run = run_bin(BIN, &["compare", "2.1", "2.4", "--json", "--markdown"], "");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
}

#[test]
fn compare_python_passes_the_flags_both_sides_share() {
    let python = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !python {
        return; // nothing to pass the flags to
    }
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
fn flags_of_another_subcommand_are_clap_errors() {
    for args in [
        &["list", "--runs", "3"][..],
        &["list", "--timeline"],
        &["2.4", "--json"],
        &["all", "--python"],
        &["walk", "--svg", "x.svg"],
    ] {
        let run = run_bin(BIN, args, "");
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(
            run.stderr.contains("unexpected argument"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn negative_numbers_get_a_plain_range_error() {
    for (args, message) in [
        (
            &["2.18", "--count", "-5"][..],
            "'-5' is not a whole number 1 or more",
        ),
        (&["2.9", "--scale", "-1"], "'-1' is not a factor above 0"),
        (
            &["2.9", "--workers", "0"],
            "'0' is not a whole number from 1 to 1024",
        ),
        (
            &["2.23", "--slow-poll-ms", "0"],
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
    assert!(examples.contains("2.1 --timeline"), "{examples}");
    assert!(examples.contains("compare runtimes"), "{examples}");
    assert!(run.stdout.contains("`2.1`, `1` or `2_1`"), "{}", run.stdout);
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
        &["2.4", "--timeline-svg", "/nonexistent-dir/t.svg"],
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
