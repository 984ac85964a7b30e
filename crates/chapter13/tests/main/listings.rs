//! Every chapter-13 listing, run as a user runs it: the real binary, real
//! children. Each run is checked by what it printed and, afterwards, by the
//! process table: nothing it started may still be alive (see `common`).

use std::time::Instant;

use crate::common::{Run, run_ok, run_with};

/// The seconds printed on `finished main in N second(s)`.
fn main_seconds(run: &Run) -> f64 {
    let line = run.lines()[run.position("finished main in ")];
    line.trim_start_matches("finished main in ")
        .trim_end_matches(" second(s)")
        .parse()
        .unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

#[test]
fn listing_13_1_runs_ls_and_gets_status_0() {
    let run = run_ok(&["13.1"], "");
    assert!(run.stdout.starts_with("Process pid is: "), "{}", run.stdout);
    // `ls -l` prints a total, then this directory's entries.
    assert!(run.positions("total ").len() == 1, "{}", run.stdout);
    assert!(run.stdout.contains("Cargo.toml"), "{}", run.stdout);
    let lines = run.lines();
    assert_eq!(lines[lines.len() - 2], "Status code: 0");
    assert_eq!(
        lines[lines.len() - 1],
        "(Rust's ExitStatus: exit status: 0)"
    );
}

#[test]
fn listing_13_2_terminates_sleep_with_sigterm_after_one_second() {
    let run = run_ok(&["13.2"], "");
    let timed_out = run.position("Timed out waiting to finish, terminating...");
    assert!(run.position("Process pid is: ") < timed_out);
    assert_eq!(run.lines()[timed_out + 1], "-15");
    assert_eq!(
        run.lines()[timed_out + 2],
        "(Rust's ExitStatus: signal: 15 (SIGTERM))"
    );
    // The 1 s timeout fired and the SIGTERM took effect at once: not the
    // 3 s that `sleep 3` would have taken.
    let seconds = main_seconds(&run);
    assert!((1.0..2.5).contains(&seconds), "main took {seconds} s");
}

#[test]
fn listing_13_3_prefixes_every_line_of_ls_la() {
    let run = run_ok(&["13.3"], "");
    let lines = run.lines();
    assert!(lines[0].starts_with("Process pid is: "));
    assert_eq!(lines[lines.len() - 1], "Process returned: 0");
    let body = &lines[1..lines.len() - 1];
    assert!(body.len() >= 4, "{}", run.stdout); // total, ., .., files
    assert!(
        body.iter().all(|l| l.starts_with("[ls -la]: ")),
        "{}",
        run.stdout
    );
    assert!(body.iter().any(|l| l.ends_with(" ..")));
}

#[test]
fn listing_13_4_shows_what_the_million_line_child_prints() {
    let run = run_ok(&["13.4"], "");
    assert_eq!(
        &run.lines()[..4],
        [
            "Hello there!!",
            "Hello there!!",
            "Hello there!!",
            "Process returned: 0"
        ]
    );
    assert!(
        run.stdout
            .contains("1000000 of these lines: 14000000 bytes")
    );
}

#[test]
fn listing_13_5_detects_the_full_pipe_and_reaps_the_child_within_its_bound() {
    let start = Instant::now();
    let run = run_ok(&["13.5"], "");
    // A hang would be caught by the test's bound; this is the listing's own
    // 2 s bound plus generous slack for a loaded machine.
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
    let waiting = run.position("still waiting after 2 s: the child has not exited");
    let blocked = run.position("it is blocked writing into a full pipe that nobody reads");
    let reaped = run.position("killed and reaped the child: status -9 (signal: 9 (SIGKILL))");
    assert!(waiting < blocked && blocked < reaped, "{}", run.stdout);
    assert!(run.stdout.contains("the kernel says the child sleeps in "));
}

#[test]
fn listing_13_6_reads_exactly_the_million_lines() {
    let run = run_ok(&["13.6"], "");
    assert!(run.stdout.contains("first line: \"Hello there!!\"\n"));
    // 1_000_000 × "Hello there!!\n" (14 bytes).
    assert!(
        run.stdout
            .contains("read 14000000 bytes in 1000000 lines\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("Process returned: 0\n"));
}

#[test]
fn listing_13_7_starts_every_child_at_once() {
    let run = run_ok(&["13.7", "--requests", "6"], "");
    assert!(
        run.stdout.contains("6 texts in, 6 ciphertexts out ("),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("peak live children: 6\n"),
        "{}",
        run.stdout
    );
    main_seconds(&run);
}

#[test]
#[cfg_attr(not(has_gpg), ignore = "gpg not found: apt install gpg")]
fn listing_13_7_makes_gpgs_home_before_starting_children() {
    // Where gpg never ran there is no ~/.gnupg, and many gpg children
    // starting at once race to create it: the losers fail with "can't
    // create directory ... File exists". The listing creates it (mode 0700)
    // before it starts any child; with no texts it starts none, so the
    // directory below can only come from the listing.
    // (Without gpg the worker stands in: tested below.)
    test_harness::require(test_harness::Tool::Gpg);
    let home = std::env::temp_dir().join(format!("ch13-fresh-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let home_text = home.display().to_string();
    let run = run_with(
        &["13.7", "--requests", "0"],
        "",
        &[("HOME", home_text.as_str()), ("GNUPGHOME", "")],
    );
    let mode = std::fs::metadata(home.join(".gnupg")).map(|m| {
        use std::os::unix::fs::PermissionsExt as _;
        m.permissions().mode() & 0o777
    });
    let _ = std::fs::remove_dir_all(&home);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(mode.ok(), Some(0o700), "gpg's home was not created");
}

#[test]
fn listing_13_7_falls_back_to_the_worker_when_gpg_is_missing() {
    // An empty PATH: gpg cannot be found; the worker is this binary itself.
    let run = run_with(
        &["13.7", "--requests", "4"],
        "",
        &[("PATH", "/nonexistent-ch13")],
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with(
        "gpg is not installed here: each child runs this binary's `encrypt` worker instead"
    ));
    // The stand-in keeps the length: 4 texts of 1000 letters.
    assert!(
        run.stdout
            .contains("4 texts in, 4 ciphertexts out (4000 bytes)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("peak live children: 4\n"));
}

#[test]
fn listing_13_8_never_has_more_children_than_the_semaphore_allows() {
    let run = run_ok(&["13.8", "--requests", "10", "--limit", "2"], "");
    assert!(
        run.stdout
            .contains("encrypting 10 texts, at most 2 children at a time")
    );
    assert!(
        run.stdout
            .contains("10 texts in, 10 ciphertexts out, 0 empty"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("peak live children: 2 (semaphore size 2)"),
        "{}",
        run.stdout
    );
    main_seconds(&run);
}

#[test]
fn listing_13_8_with_the_worker_and_a_semaphore_of_one() {
    let run = run_with(
        &["13.8", "--requests", "5", "--limit", "1"],
        "",
        &[("PATH", "/nonexistent-ch13")],
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("5 texts in, 5 ciphertexts out, 0 empty"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("peak live children: 1 (semaphore size 1)"),
        "{}",
        run.stdout
    );
}

#[test]
fn listing_13_9_asks_for_a_username_on_our_terminal() {
    let run = run_ok(&["13.9"], "Ada\n");
    assert_eq!(
        run.stdout,
        "Please enter a username: Your username is Ada\nProcess returned: 0\n"
    );
}

#[test]
fn listing_13_10_sends_the_username_through_stdin() {
    let run = run_ok(&["13.10"], "");
    assert_eq!(
        run.lines()[0],
        r#""Please enter a username: Your username is TestUsername\n""#
    );
    assert!(run.stdout.ends_with("Process returned: 0\n"));
}

#[test]
fn listing_13_11_echoes_until_quit() {
    let run = run_ok(&["13.11"], "hello\nquit\n");
    assert_eq!(
        run.stdout,
        "Enter text to echo: hello\nEnter text to echo: quit\nProcess returned: 0\n"
    );
}

#[test]
fn listing_13_11_child_fails_like_input_on_end_of_input() {
    let run = run_ok(&["13.11"], "hello\n");
    assert!(
        run.stdout.ends_with("Process returned: 1\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("EOF when reading a line"),
        "{}",
        run.stderr
    );
}

#[test]
fn listing_13_12_lines_up_with_the_plain_echo_child() {
    let run = run_ok(&["13.12"], "");
    assert_eq!(
        run.lines(),
        [
            r#""Enter text to echo: ""#,
            r#""one\nEnter text to echo: ""#,
            r#""two\nEnter text to echo: ""#,
            r#""three\nEnter text to echo: ""#,
            r#""four\nEnter text to echo: ""#,
            "Process returned: 0",
            r#"0 of 5 inputs were written before their prompt; 5 bytes of output were never read by the loop: "quit\n""#,
        ]
    );
}

#[test]
fn listing_13_13_reports_how_the_naive_client_fared() {
    let run = run_ok(&["13.13", "--scale", "0.1"], "");
    let lines = run.lines();
    assert_eq!(lines[0], r#""Enter text to echo: ""#);
    assert_eq!(lines[lines.len() - 2], "Process returned: 0");
    let summary = lines[lines.len() - 1];
    assert!(
        summary.contains(" of 5 inputs were written before their prompt; "),
        "{summary}"
    );
    // Every "too early" note is counted in the summary.
    let early = run.positions("  (no prompt at the end: ").len();
    assert!(
        summary.starts_with(&format!("{early} of 5 ")),
        "{}",
        run.stdout
    );
}

#[test]
fn listing_13_14_writes_only_after_each_prompt_and_the_child_exits_0() {
    let run = run_ok(&["13.14", "--scale", "0.1"], "");
    let lines = run.lines();
    let writes = run.positions("(prompt seen: writing ");
    let sent: Vec<&str> = writes.iter().map(|&i| lines[i]).collect();
    assert_eq!(
        sent,
        [
            r#"(prompt seen: writing "one\n")"#,
            r#"(prompt seen: writing "two\n")"#,
            r#"(prompt seen: writing "three\n")"#,
            r#"(prompt seen: writing "four\n")"#,
            r#"(prompt seen: writing "quit\n")"#,
        ]
    );
    // Just before each write, the child's output ended with its prompt.
    for &i in &writes {
        assert!(
            lines[i - 1].ends_with(r#"Enter text to echo: ""#),
            "{}",
            run.stdout
        );
    }
    assert_eq!(lines[lines.len() - 1], "Process returned: 0");
}
