//! Every chapter-6 listing, run as a user runs it: the real binary, real
//! flags, small counts so debug builds stay quick. Claims are checked by
//! pids, orders and counts, never by wall time; the process table is
//! checked for leftover workers after success and after Ctrl-C.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use test_harness::{
    MARKER_VAR, Run, assert_lists_every_listing, processes_with_marker, run_bin, run_ok,
};

const BIN: &str = env!("CARGO_BIN_EXE_chapter06");

fn run(args: &[&str]) -> Run {
    run_ok(BIN, args)
}

/// The number right after `needle` on the first line containing it.
fn number_after(text: &str, needle: &str) -> u64 {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in:\n{text}"))
        + needle.len();
    let digits: String = text[start..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after {needle:?} in:\n{text}"))
}

/// Lines that are just a number, in order.
fn numbers(lines: &[&str]) -> Vec<u64> {
    lines.iter().filter_map(|line| line.parse().ok()).collect()
}

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, 6, chapter06::CHAPTER.ids());
    let expected: Vec<String> = (1..=15).map(|n| format!("6.{n}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn listing_6_1_counts_in_two_child_processes() {
    let run = run(&["6.1", "--count", "1000000"]);
    let child_a = number_after(
        &run.stdout[run.stdout.find("to 1000000 ").unwrap()..],
        "(process",
    );
    let child_b = number_after(
        &run.stdout[run.stdout.find("to 2000000 ").unwrap()..],
        "(process",
    );
    let parent = number_after(&run.stdout, "(parent process");
    assert!(
        child_a != child_b && child_a != parent && child_b != parent,
        "{}",
        run.stdout
    );
    let lines = run.lines();
    assert!(
        lines[lines.len() - 2].starts_with("Completed in "),
        "{}",
        run.stdout
    );
}

/// The seconds right after `needle` in `text`.
fn seconds_after(text: &str, needle: &str) -> f64 {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in {text}"))
        + needle.len();
    text[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn listing_6_1_by_default_counts_for_seconds_and_sets_the_sum_beside_the_total() {
    // No --count: about 1 s and 2 s of counting on this machine, any build.
    let run = run(&["6.1"]);
    let lines = run.lines();
    assert!(
        lines[0].starts_with("process one is counting to ")
            && lines[0].ends_with("(about 1 s on this machine)"),
        "{}",
        run.stdout
    );
    assert!(
        lines[1].ends_with("(about 2 s on this machine)"),
        "{}",
        run.stdout
    );
    // Both children ran to the end, the shorter count finishing first.
    let finished = run.positions("Finished counting to ");
    assert_eq!(finished.len(), 2, "{}", run.stdout);
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("one after the other the two counts would take "),
        "{}",
        run.stdout
    );
    // The line adds up what it shows: one + two = sum.
    let one = seconds_after(last, "would take ");
    let two = seconds_after(last, " + ");
    let sum = seconds_after(last, " = ");
    assert!((one + two - sum).abs() < 0.001, "{last}");
    assert!(one >= 0.2 && two >= 0.4, "counts sized by time: {last}");
}

#[test]
fn listings_6_2_and_6_3_greet_through_the_pool() {
    for id in ["6.2", "6.3"] {
        let run = run(&[id, "--limit", "3"]);
        assert!(
            run.stdout.starts_with("Hi there, Jeff\nHi there, John\n"),
            "{id}: {}",
            run.stdout
        );
    }
    let run = run(&["6.2", "--limit", "3"]);
    let pids = run.lines()[2]
        .split(['[', ']'])
        .nth(1)
        .unwrap()
        .split(", ")
        .count();
    assert_eq!(pids, 3, "{}", run.stdout);
}

#[test]
fn listing_6_4_returns_results_in_input_order() {
    let run = run(&["6.4", "--count", "2000000"]);
    let lines = run.lines();
    assert_eq!(numbers(&lines), [2_000_000, 1, 3, 5, 22], "{}", run.stdout);
    // The first result cannot be printed before the big count finished.
    let big_done = run.position("Finished counting to 2000000 in");
    let first_result = lines.iter().position(|l| *l == "2000000").unwrap();
    assert!(big_done < first_result);
    assert_eq!(run.stdout.matches("Finished counting to").count(), 5);
    assert!(
        run.stdout
            .ends_with("the same map on rayon threads:\n[2000000, 1, 3, 5, 22]\n")
    );
}

#[test]
fn listing_6_5_gathers_in_order_and_then_takes_results_as_they_complete() {
    let run = run(&["6.5", "--count", "2000000"]);
    let lines = run.lines();
    let split = run.position("as completed:");
    assert_eq!(
        numbers(&lines[..split]),
        [1, 3, 5, 22, 2_000_000],
        "{}",
        run.stdout
    );
    let mut completed = numbers(&lines[split..]);
    completed.sort_unstable();
    assert_eq!(completed, [1, 3, 5, 22, 2_000_000], "{}", run.stdout);
}

#[test]
fn listing_6_6_maps_then_merges() {
    insta::assert_snapshot!("listing_6_6", run(&["6.6"]).stdout);
}

#[test]
fn listings_6_7_to_6_9_count_the_same_words() {
    // A small file of its own size, so no other test races to create it.
    let lines = "150001";
    let summaries: Vec<String> = ["6.7", "6.8", "6.9"]
        .iter()
        .map(|id| {
            let run = run(&[id, "--lines", lines]);
            let aardvark = run.lines()[run.position("Aardvark has appeared")].to_owned();
            let fingerprint = run.lines()[run.position("distinct words")].to_owned();
            format!("{aardvark}\n{fingerprint}")
        })
        .collect();
    assert_eq!(summaries[0], summaries[1]);
    assert_eq!(summaries[0], summaries[2]);
    assert!(number_after(&summaries[0], "Aardvark has appeared") > 0);
    // 150,001 lines make 3 partitions of 60,000 lines or fewer.
    let run = run(&["6.8", "--lines", lines]);
    assert!(run.stdout.contains("over 3 partitions"), "{}", run.stdout);
    let run = run_bin(BIN, &["6.9", "--lines", lines], "");
    assert!(
        run.stdout.contains("reduce round: 3 dictionaries -> 1"),
        "{}",
        run.stdout
    );
}

#[test]
fn sizes_that_could_fill_the_disk_or_the_process_table_are_refused() {
    for (args, message) in [
        (
            &["6.7", "--lines", "100000001"][..],
            "'100000001' is not a whole number from 1 to 100000000",
        ),
        (
            &["6.8", "--lines", "0"],
            "'0' is not a whole number from 1 to 100000000",
        ),
        (
            &["6.2", "--limit", "65"],
            "a pool runs 1..=64 worker processes",
        ),
    ] {
        let run = run_bin(BIN, args, "");
        assert_eq!(run.code, Some(2), "{args:?}: a usage error");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(
            !run.stdout.contains("generated"),
            "{args:?}: {}",
            run.stdout
        );
    }
}

#[test]
fn listing_6_10_each_process_changes_its_own_data() {
    assert_eq!(run(&["6.10"]).stdout, "1\n[1, 1]\n");
}

#[test]
fn listing_6_11_counts_the_lost_increments_it_prints() {
    let run = run(&["6.11", "--rounds", "20"]);
    assert!(
        run.stdout.starts_with("the natural race: "),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("try --widen"), "{}", run.stdout);
    let values: Vec<&str> = run.lines()[1..run.lines().len() - 2]
        .iter()
        .flat_map(|row| row.split(' '))
        .collect();
    assert_eq!(values.len(), 20);
    // Either outcome may happen; the count must match what was printed.
    assert!(
        values.iter().all(|v| *v == "1" || *v == "2"),
        "{}",
        run.stdout
    );
    let ones = values.iter().filter(|v| **v == "1").count() as u64;
    assert_eq!(
        number_after(run.lines()[run.lines().len() - 2], ""),
        ones,
        "{}",
        run.stdout
    );
    assert!(run.lines()[run.lines().len() - 2].ends_with("of 20 runs ended at 1 instead of 2"));
}

#[test]
fn listing_6_11_widened_loses_increments() {
    let run = run(&["6.11", "--rounds", "10", "--widen"]);
    let lost = number_after(run.lines().last().unwrap(), "");
    // A million counts between read and write: both children read 0 in
    // nearly every run. At least one lost increment in ten runs.
    assert!(lost >= 1, "{}", run.stdout);
}

#[test]
fn listing_6_12_always_ends_at_2_with_a_lock_and_with_fetch_add() {
    let run = run(&["6.12"]);
    let lines = run.lines();
    for block in [&lines[..6], &lines[6..]] {
        assert!(block[0].starts_with("with a"), "{}", run.stdout);
        let values: Vec<&str> = block[1..5].iter().flat_map(|row| row.split(' ')).collect();
        assert_eq!(values, vec!["2"; 100]);
        assert_eq!(block[5], "all 100 runs ended at 2");
    }
    assert_eq!(lines.len(), 12, "{}", run.stdout);
}

#[test]
fn listing_6_13_every_worker_shares_the_counter() {
    assert_eq!(
        run(&["6.13", "--limit", "2"]).stdout,
        "1\n11 (10 more increments across 2 workers)\n"
    );
}

#[test]
fn listing_6_14_maps_the_ngram_file_with_progress_and_agrees_with_6_7() {
    let lines = "400000"; // about 8 MB: eight partitions
    let mapped = run(&["6.14", "--lines", lines]);
    let progress: Vec<&str> = mapped
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("Finished "))
        .collect();
    let done: Vec<u64> = progress
        .iter()
        .map(|l| number_after(l, "Finished"))
        .collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{}", mapped.stdout);
    let total = number_after(progress.last().unwrap(), "/");
    assert!(total >= 7, "{}", mapped.stdout);
    assert_eq!(
        *progress.last().unwrap(),
        format!("Finished {total}/{total} map operations")
    );
    // The merged counts are the single-threaded ones.
    let one_thread = run(&["6.7", "--lines", lines]);
    let fingerprint = |out: &str| {
        out.lines()
            .find(|l| l.contains("fingerprint"))
            .map(str::to_owned)
    };
    assert_eq!(fingerprint(&mapped.stdout), fingerprint(&one_thread.stdout));
    assert!(fingerprint(&mapped.stdout).is_some(), "{}", mapped.stdout);
}

/// Pids of live processes whose environment carries `marker`.
fn processes_with(marker: &str) -> Vec<u32> {
    processes_with_marker(marker)
        .into_iter()
        .map(|p| p.pid)
        .collect()
}

/// Polls `check` for up to 10 s.
fn eventually(mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn no_child_process_outlives_a_listing() {
    for args in [
        &["6.1", "--count", "1000"][..],
        &["6.2"],
        &["6.4", "--count", "1000"],
        &["6.5", "--count", "1000"],
        &["6.11", "--rounds", "3"],
        &["6.13"],
        &["6.14", "--lines", "1000"],
    ] {
        let marker = format!("chapter06-test-{}-{}", std::process::id(), args[0]);
        let output = Command::new(BIN)
            .args(args)
            .env(MARKER_VAR, &marker)
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(
            eventually(|| processes_with(&marker).is_empty()),
            "{args:?} left {:?}",
            processes_with(&marker)
        );
    }
}

#[test]
fn pool_workers_die_when_the_listing_is_interrupted() {
    let marker = format!("chapter06-ctrl-c-{}", std::process::id());
    // A count that would run for hours: only the interrupt ends it.
    let mut listing = Command::new(BIN)
        .args(["6.4", "--count", "10000000000000", "--limit", "2"])
        .env(MARKER_VAR, &marker)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // The listing and its two workers are running.
    assert!(
        eventually(|| processes_with(&marker).len() == 3),
        "{:?}",
        processes_with(&marker)
    );
    let pid = nix::unistd::Pid::from_raw(listing.id() as i32);
    // Ctrl-C for the listing alone: its workers get no signal of their own.
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
    // Bounded: a listing that survived Ctrl-C must fail the test, not hang it.
    let mut status = None;
    let ended = eventually(|| {
        status = listing.try_wait().unwrap();
        status.is_some()
    });
    if !ended {
        let _ = listing.kill();
        let _ = listing.wait();
        panic!("the listing did not end on SIGINT");
    }
    assert!(!status.unwrap().success());
    assert!(
        eventually(|| processes_with(&marker).is_empty()),
        "left behind: {:?}",
        processes_with(&marker)
    );
}

#[test]
fn listing_6_1_sequential_runs_the_children_one_after_the_other() {
    let run = run(&["6.1", "--sequential", "--count", "1000"]);
    let lines = run.lines();
    assert!(
        lines[2].starts_with("Finished counting to 1000 in"),
        "{}",
        run.stdout
    );
    assert!(
        lines[3].starts_with("Finished counting to 2000 in"),
        "{}",
        run.stdout
    );
    assert!(lines[4].starts_with("Completed in"), "{}", run.stdout);
}
