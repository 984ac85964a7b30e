//! Every chapter-1 listing, run as a user runs it: the real binary, real
//! flags. Claims are checked by counts, pids and the order of lines, never
//! by wall time; CPU-bound listings get small inputs so debug builds stay
//! quick.

use std::process::Command;

use test_harness::{
    MARKER_VAR, Run, assert_lists_every_listing, processes_with_marker, run_bin, run_ok,
};

const BIN: &str = env!("CARGO_BIN_EXE_chapter01");

fn run(args: &[&str]) -> Run {
    run_ok(BIN, args)
}

/// The number at the end of the line that contains `needle`.
fn number_after(run: &Run, needle: &str) -> u64 {
    let line = run.lines()[run.position(needle)];
    let rest = &line[line.find(needle).unwrap() + needle.len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after {needle:?} in {line:?}"))
}

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, 1, chapter01::CHAPTER.ids());
    assert_eq!(
        ids,
        [
            "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.8a", "1.8b"
        ]
    );
}

#[test]
fn listing_1_1_writes_the_headers_to_the_file_it_names() {
    let run = run(&["1.1"]);
    assert!(run.stdout.contains("status 200"), "{}", run.stdout);
    let line = run.lines()[run.position("header line(s) to ")];
    let path = line.split(" to ").nth(1).unwrap();
    let count = number_after(&run, "wrote ");
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(text.lines().count() as u64, count);
    assert!(count > 0);
    assert!(text.lines().all(|l| l.contains(": ")), "{text}");
    assert!(
        text.to_lowercase().contains("content-type: text/html"),
        "{text}"
    );
    // One file in the temp dir, reused by every run: nothing piles up.
    assert_eq!(
        std::path::Path::new(path),
        std::env::temp_dir().join("chapter01-headers.txt")
    );
}

#[test]
fn listing_1_1_writes_where_out_says() {
    let dir = std::env::temp_dir().join(format!("chapter01-out-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("my-headers.txt");
    let run = run(&["1.1", "--out", file.to_str().unwrap()]);
    assert!(
        run.stdout
            .contains(&format!("header line(s) to {}\n", file.display())),
        "{}",
        run.stdout
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count() as u64, number_after(&run, "wrote "));
    std::fs::remove_dir_all(&dir).unwrap();

    let missing = dir.join("no-such-dir").join("x.txt");
    let failed = run_bin(BIN, &["1.1", "--out", missing.to_str().unwrap()], "");
    assert_eq!(failed.code, Some(1));
    assert!(failed.stderr.contains("cannot write"), "{}", failed.stderr);
}

#[test]
fn listing_1_2_reports_one_os_thread_named_main() {
    let run = run(&["1.2"]);
    assert!(number_after(&run, "process id:") > 0);
    assert_eq!(number_after(&run, "currently running"), 1, "{}", run.stdout);
    assert!(run.stdout.contains("The current thread is main\n"));
}

#[test]
fn listing_1_3_counts_one_more_thread_while_the_second_runs() {
    let run = run(&["1.3"]);
    let before = number_after(&run, "Before spawning:");
    let during = number_after(&run, "currently running");
    let after = number_after(&run, "After join:");
    assert_eq!((during, after), (before + 1, before), "{}", run.stdout);
    assert!(run.position("Hello from thread hello-thread!") < run.position("currently running"));
}

#[test]
fn listing_1_4_child_and_parent_have_different_pids() {
    let run = run(&["1.4"]);
    let parent = number_after(&run, "Hello from parent process");
    let child = number_after(&run, "Hello from child process");
    assert_ne!(parent, child);
    assert_eq!(number_after(&run, "child process "), child);
    assert!(run.stdout.contains("exited: exit status: 0"));
}

#[test]
fn listing_1_4_leaves_no_child_process_behind() {
    let marker = format!("chapter01-test-{}", std::process::id());
    let status = Command::new(BIN)
        .arg("1.4")
        .env(MARKER_VAR, &marker)
        .output()
        .unwrap();
    assert!(status.status.success());
    assert_eq!(processes_with(&marker), Vec::<u32>::new());
}

#[test]
fn listings_1_5_and_1_6_compute_the_same_fibs() {
    for id in ["1.5", "1.6"] {
        let run = run(&[id, "--n", "20"]);
        assert!(
            run.stdout.contains("fib(20) is 4181\n"),
            "{id}: {}",
            run.stdout
        );
        assert!(
            run.stdout.contains("fib(21) is 6765\n"),
            "{id}: {}",
            run.stdout
        );
    }
    assert!(run(&["1.5", "--n", "20"]).stdout.contains("Completed in "));
    assert!(run(&["1.6", "--n", "20"]).stdout.contains("Threads took "));
}

#[test]
fn fib_refuses_an_n_it_could_not_finish() {
    for n in ["100", "0", "-3"] {
        let run = run_bin(BIN, &["1.5", "--n", n], "");
        assert_eq!(run.code, Some(2), "{n}: a usage error");
        assert!(
            run.stderr
                .contains(&format!("'{n}' is not a whole number from 1 to 60")),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn listing_1_7_sends_one_request_at_a_time_and_1_8_two() {
    for (id, peak) in [("1.7", 1), ("1.8", 2)] {
        let run = run(&[id]);
        assert_eq!(
            run.stdout.matches("200\n").count(),
            2,
            "{id}: {}",
            run.stdout
        );
        assert_eq!(number_after(&run, "at most"), peak, "{id}: {}", run.stdout);
    }
}

#[test]
fn listing_1_8a_processes_every_message_in_order() {
    insta::assert_snapshot!("listing_1_8a", run(&["1.8a"]).stdout);
}

#[test]
fn listing_1_8b_interleaves_three_tasks_on_one_thread() {
    let run = run(&["1.8b", "--count", "100000", "--timeline"]);
    let setups = run
        .positions("task ")
        .into_iter()
        .filter(|&i| run.lines()[i].contains("setup done"));
    let last_setup = setups.max().unwrap();
    let first_post = run.position("post-processing");
    // All three wait on I/O together before any of them carries on.
    assert!(last_setup < first_post, "{}", run.stdout);
    assert_eq!(run.stdout.matches("setup done").count(), 3);
    assert_eq!(run.stdout.matches(": done").count(), 3);
    assert_eq!(number_after(&run, "at most"), 3, "{}", run.stdout);
    assert_eq!(
        run.positions("task ").len(),
        9 + 3,
        "three bars: {}",
        run.stdout
    );
}

/// Pids of live processes whose environment carries `marker`.
fn processes_with(marker: &str) -> Vec<u32> {
    processes_with_marker(marker)
        .into_iter()
        .map(|p| p.pid)
        .collect()
}
