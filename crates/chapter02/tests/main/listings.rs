//! Every chapter-2 listing, run as a user runs it: the real binary, real
//! flags. Timer listings run on a paused clock and their whole transcript,
//! timings included, is compared with a snapshot; the others are checked by
//! the order of what they print and by counts, never by wall time.

use test_harness::{Run, run_bin, run_ok};

const BIN: &str = env!("CARGO_BIN_EXE_chapter02");

fn run(args: &[&str]) -> Run {
    run_ok(BIN, args)
}

/// Runs a timer-only listing on the paused clock and snapshots its output.
fn snapshot(id: &str) {
    let run = run(&[id, "--virtual-time"]);
    insta::assert_snapshot!(format!("listing_{}", id.replace('.', "_")), run.stdout);
}

#[test]
fn timer_listings_match_their_snapshots() {
    for id in [
        "2.1", "2.2", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "2.13",
        "2.14", "2.15", "2.15a", "2.16", "2.17", "2.22",
    ] {
        snapshot(id);
    }
}

#[test]
fn listing_2_3_runs_a_future_on_a_runtime_it_builds() {
    assert_eq!(run(&["2.3"]).stdout, "2\n");
}

#[test]
fn listing_2_9_takes_3_seconds_not_9_and_draws_three_overlapping_bars() {
    let run = run(&["2.9", "--virtual-time", "--timeline"]);
    assert!(run.stdout.contains("finished main in 3.0000 second(s)"));
    let bars: Vec<&str> = run
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("delay(3)"))
        .collect();
    assert_eq!(bars.len(), 3, "{}", run.stdout);
    for bar in bars {
        // Each delay covers the whole 3-second axis: they overlap entirely.
        let cells = bar_cells(bar);
        assert_eq!(cells.len(), 60, "{bar}");
        assert!(cells.iter().all(|c| *c != ' '), "{bar}");
        assert!(bar.ends_with("3.0000 s"), "{bar}");
    }
}

#[test]
fn listing_2_9_writes_an_svg_timeline() {
    let dir = std::env::temp_dir().join(format!("chapter02-svg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("timeline.svg");
    run(&[
        "2.9",
        "--virtual-time",
        "--timeline-svg",
        file.to_str().unwrap(),
    ]);
    let svg = std::fs::read_to_string(&file).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches(">delay(3)</text>").count(), 3);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The cells of a timeline bar, between its two `│`.
fn bar_cells(bar: &str) -> Vec<char> {
    let inner = bar.split('│').nth(1).expect("a bar has two │");
    inner.chars().collect()
}

#[test]
fn listing_2_18_runs_the_two_counts_one_after_the_other() {
    let run = run(&["2.18", "--count", "3000000", "--timeline"]);
    let first_done = run.position("finished cpu_bound_work");
    let second_start = run.positions("starting cpu_bound_work")[1];
    assert!(first_done < second_start, "{}", run.stdout);
    assert!(run.position("finished main") > second_start);

    // Two bars, busy all along, the second starting where the first ends.
    let bars: Vec<Vec<char>> = run
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("cpu_bound_work"))
        .map(bar_cells)
        .collect();
    assert_eq!(bars.len(), 2, "{}", run.stdout);
    let spans: Vec<(usize, usize)> = bars
        .iter()
        .map(|cells| {
            let first = cells.iter().position(|c| *c != ' ').unwrap();
            let last = cells.iter().rposition(|c| *c != ' ').unwrap();
            assert!(
                cells[first..=last].iter().all(|c| *c == '█'),
                "not busy all along: {cells:?}"
            );
            (first, last)
        })
        .collect();
    // One column may be shared where the first ends and the second begins.
    assert!(
        spans[0].1 <= spans[1].0,
        "bars overlap: {spans:?}\n{}",
        run.stdout
    );
}

#[test]
fn listing_2_18_on_the_multi_thread_runtime_runs_both_counts_at_once() {
    let run = run(&[
        "2.18",
        "--runtime",
        "multi-thread",
        "--workers",
        "2",
        "--count",
        "20000000",
    ]);
    let starts = run.positions("starting cpu_bound_work");
    assert_eq!(starts.len(), 2);
    assert!(
        starts[1] < run.position("finished cpu_bound_work"),
        "{}",
        run.stdout
    );
}

#[test]
fn listing_2_18_with_debug_reports_the_slow_polls() {
    let run = run(&[
        "2.18",
        "--count",
        "5000000",
        "--debug",
        "--slow-poll-ms",
        "1",
    ]);
    assert_eq!(
        run.stderr
            .matches("slow poll: task 'cpu_bound_work'")
            .count(),
        2,
        "{}",
        run.stderr
    );
}

#[test]
fn listing_2_19_holds_up_the_delay_until_both_counts_are_done() {
    let run = run(&["2.19", "--count", "2000000"]);
    let sleeping = run.position("sleeping for 4 second(s)");
    let finished = run.positions("finished cpu_bound_work");
    assert_eq!(finished.len(), 2);
    assert!(finished.iter().all(|f| *f < sleeping), "{}", run.stdout);
    assert!(
        run.stdout
            .ends_with("one thread: the delay could not start until both counts had finished\n")
    );
}

/// The seconds on every line starting with `prefix` (`finished NAME in 1.2345 second(s)`).
fn seconds_after(run: &Run, prefix: &str) -> Vec<f64> {
    run.lines()
        .into_iter()
        .filter_map(|l| l.strip_prefix(prefix))
        .map(|rest| rest.split_whitespace().next().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn listing_2_19_by_default_holds_the_delay_up_by_whole_seconds_in_any_build() {
    // No --count: each count is sized to about a second on this machine,
    // debug or release build alike.
    let run = run(&["2.19"]);
    assert!(
        run.lines()[0].starts_with("each CPU-bound task is counting to ")
            && run.lines()[0].ends_with(" (about 1 s on this machine)"),
        "{}",
        run.stdout
    );
    // By order: the delay starts only after both counts have finished.
    let sleeping = run.position("sleeping for 4 second(s)");
    let finished = run.positions("finished cpu_bound_work");
    assert_eq!(finished.len(), 2);
    assert!(finished.iter().all(|f| *f < sleeping), "{}", run.stdout);
    // By a bound: main took both counts plus the 4 s, and the counts held
    // the delay up by at least a whole second.
    let counts = seconds_after(&run, "finished cpu_bound_work in ");
    let main = seconds_after(&run, "finished main in ")[0];
    let held_up: f64 = counts.iter().sum();
    assert!(held_up >= 1.0, "held up only {held_up} s:\n{}", run.stdout);
    assert!(main >= held_up + 4.0 - 0.01, "{}", run.stdout);
}

#[test]
fn listing_2_20_blocking_requests_never_overlap() {
    let run = run(&["2.20"]);
    let lines = run.lines();
    let events: Vec<&str> = lines
        .iter()
        .filter_map(|l| {
            if l.starts_with("starting get_example_status") {
                Some("start")
            } else if l.starts_with("finished get_example_status") {
                Some("end")
            } else {
                None
            }
        })
        .collect();
    assert_eq!(
        events,
        ["start", "end", "start", "end", "start", "end"],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("the demo server saw at most 1 request(s) at once"),
        "{}",
        run.stdout
    );
}

#[test]
fn listing_2_21_drops_the_leftover_task_at_shutdown() {
    let run = run(&["2.21"]);
    let finished = run.position("finished main in 1.0");
    let dropped = run.position("a task still sleeping was dropped at shutdown");
    let shut = run.position("runtime shut down");
    assert!(finished < dropped && dropped < shut, "{}", run.stdout);
    assert!(!run.stdout.contains("never printed"));
}

#[test]
fn listing_2_23_debug_mode_flags_the_cpu_bound_task() {
    // The listing turns debug mode on itself; a low threshold keeps the test
    // independent of how fast this machine counts.
    let run = run(&["2.23", "--count", "5000000", "--slow-poll-ms", "1"]);
    assert!(
        run.stderr
            .contains("slow poll: task 'cpu_bound_work' held the thread for"),
        "{}",
        run.stderr
    );
}

#[test]
fn listing_2_23_by_default_warns_at_the_default_threshold_in_any_build() {
    // No --count, no --slow-poll-ms: about a second of counting against
    // asyncio's 100 ms, whatever the build.
    let run = run(&["2.23"]);
    assert!(
        run.stdout.starts_with("the task is counting to ")
            && run.stdout.contains(" (about 1 s on this machine)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("slow poll: task 'cpu_bound_work' held the thread for"),
        "{}",
        run.stderr
    );
}

#[test]
fn listing_2_24_reports_only_the_poll_over_250_ms() {
    let run = run(&["2.24"]);
    assert!(run.stdout.starts_with("slow-poll threshold: 250 ms\n"));
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("slow poll"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(
        warnings[0].contains("held the thread for 0.4"),
        "{}",
        warnings[0]
    );
}

#[test]
fn listing_2_9a_joins_every_task_it_spawned() {
    let run = run(&["2.9a", "--count", "1000"]);
    assert!(
        run.stdout
            .ends_with("1000 tasks spawned and joined; their numbers add up to 499500\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .starts_with("starting spawning\nfinished spawning in ")
    );
}

#[test]
fn flags_no_chapter_2_listing_reads_are_refused_and_left_out_of_help() {
    let run = run_bin(BIN, &["2.9", "--port", "80"], "");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("listing 2.9 does not read --port (no listing of chapter 2 reads it"),
        "{}",
        run.stderr
    );
    let run = run_bin(BIN, &["2.18", "--url", "http://127.0.0.1:9/"], "");
    assert!(
        run.stderr.contains("(listing 2.20 does: "),
        "{}",
        run.stderr
    );
    let help = run_bin(BIN, &["--help"], "");
    for hidden in ["--database-url", "--port", "--demo"] {
        assert!(
            !help.stdout.contains(hidden),
            "{hidden} in:\n{}",
            help.stdout
        );
    }
    assert!(help.stdout.contains("--count"), "{}", help.stdout);
}
