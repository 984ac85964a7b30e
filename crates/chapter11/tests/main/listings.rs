//! Every chapter-11 listing, run as a user runs it: the real binary, real
//! flags. Timer listings run on a paused clock and their whole transcript is
//! compared with a snapshot; the rest are checked by counts and by the
//! order of what they print, never by wall time.

use test_harness::{Run, run_bin, run_ok};

const BIN: &str = env!("CARGO_BIN_EXE_chapter11");

fn run(args: &[&str]) -> Run {
    run_ok(BIN, args)
}

/// How many stdout lines are exactly `line`.
fn count(run: &Run, line: &str) -> usize {
    run.lines().iter().filter(|l| **l == line).count()
}

#[test]
fn timer_listings_match_their_snapshots() {
    for id in [
        "11.3", "11.4", "11.5", "11.6", "11.8", "11.9", "11.10", "11.11", "11.13", "11.14", "11.15",
    ] {
        let run = run(&[id, "--virtual-time"]);
        insta::assert_snapshot!(format!("listing_{}", id.replace('.', "_")), run.stdout);
    }
}

#[test]
fn listing_11_15_prints_every_predicate_check_as_the_book_does() {
    let run = run(&["11.15", "--virtual-time"]);
    let not_yet = |state: &str| {
        format!(
            "is_initialized: Connection not finished initializing, state is ConnectionState::{state}"
        )
    };
    let waiting = "execute: Waiting for connection to initialize";
    let initialized = "is_initialized: Connection is initialized!";
    let expected = [
        waiting.to_owned(),
        not_yet("WaitInit"),
        waiting.to_owned(),
        not_yet("WaitInit"),
        "change_state: State changing from ConnectionState::WaitInit to ConnectionState::Initializing".to_owned(),
        "initialize: Initializing connection...".to_owned(),
        // Both waiters woke on the change, took the lock back, checked, slept again.
        not_yet("Initializing"),
        not_yet("Initializing"),
        "initialize: Finished initializing connection".to_owned(),
        "change_state: State changing from ConnectionState::Initializing to ConnectionState::Initialized".to_owned(),
        initialized.to_owned(),
        "execute: Running select * from table!!!".to_owned(),
        // The second waiter checks only once the first query lets the lock go.
        initialized.to_owned(),
        "execute: Running select * from other_table!!!".to_owned(),
    ];
    assert_eq!(run.lines(), expected, "{}", run.stdout);
}

#[test]
fn listing_11_1_counts_to_100_in_each_of_1000_rounds() {
    let run = run(&["11.1", "--virtual-time"]);
    assert_eq!(run.lines().len(), 1000, "{}", run.stdout);
    assert_eq!(count(&run, "Counter is 100"), 1000);
}

#[test]
fn listing_11_2_ends_every_round_at_1_and_reports_it() {
    let run = run(&["11.2", "--virtual-time"]);
    assert_eq!(count(&run, "Counter is 1"), 1000, "{}", run.stdout);
    assert_eq!(run.lines().len(), 1001);
    assert_eq!(
        run.lines()[1000],
        "expected 100 in every round; 1000 of 1000 rounds ended at 1 instead"
    );
}

#[test]
fn listing_11_2_on_the_real_clock_still_ends_at_1() {
    let run = run(&["11.2", "--rounds", "3"]);
    assert_eq!(count(&run, "Counter is 1"), 3, "{}", run.stdout);
}

#[test]
fn listing_11_3_has_exactly_one_failed_send() {
    let run = run(&["11.3", "--virtual-time"]);
    let failures: Vec<&str> = run
        .lines()
        .into_iter()
        .filter(|l| l.contains("failed: socket is closed"))
        .collect();
    assert_eq!(failures, ["Sending to Eric failed: socket is closed"]);
    assert!(run.position("Eric disconnected!") < run.position("Sending to Eric failed"));
    assert_eq!(run.lines().last(), Some(&"1 send(s) failed"));
}

#[test]
fn listing_11_5_sends_everything_then_removes_eric() {
    // The multi-thread runtime is where the order of the two tasks is up to
    // chance: run it many times.
    let runtimes = std::iter::once("current-thread").chain(std::iter::repeat_n("multi-thread", 5));
    for runtime in runtimes {
        let run = run(&["11.5", "--runtime", runtime]);
        assert!(!run.stdout.contains("socket is closed"), "{}", run.stdout);
        assert_eq!(run.positions("Sent: ").len(), 4, "{}", run.stdout);
        let last_sent = *run.positions("Sent: ").last().unwrap();
        assert!(run.position("Removing Eric") > last_sent, "{}", run.stdout);
        assert_eq!(run.lines().last(), Some(&"0 send(s) failed"));
    }
}

#[test]
fn listing_11_4_b_enters_only_after_a_released() {
    let run = run(&["11.4", "--virtual-time"]);
    assert!(run.position("b waiting") < run.position("a released"));
    assert!(run.position("a released") < run.position("b is in the critical section"));
}

#[test]
fn listing_11_7_never_has_more_than_10_requests_in_flight() {
    let run = run(&["11.7"]);
    assert_eq!(count(&run, "Waiting to acquire semaphore..."), 1000);
    assert_eq!(count(&run, "Acquired semaphore, requesting..."), 1000);
    assert_eq!(count(&run, "Finished requesting"), 1000);
    assert_eq!(count(&run, "1000 of 1000 requests returned 200"), 1);
    assert_eq!(
        run.lines().last(),
        Some(&"the server saw at most 10 requests in flight at once"),
        "{}",
        run.stdout
    );
}

#[test]
fn listing_11_7_follows_limit_and_requests() {
    let run = run(&["11.7", "--requests", "60", "--limit", "3"]);
    assert_eq!(count(&run, "Finished requesting"), 60);
    assert_eq!(
        run.lines().last(),
        Some(&"the server saw at most 3 requests in flight at once")
    );
}

#[test]
fn listing_11_8_lets_three_in_at_once_after_the_extra_release() {
    let run = run(&["11.8", "--virtual-time"]);
    let second = run.position("Acquiring three times...");
    let acquired: Vec<usize> = run
        .positions("Acquired")
        .into_iter()
        .filter(|i| *i > second)
        .collect();
    let first_release = run
        .positions("Releasing")
        .into_iter()
        .find(|i| *i > second)
        .unwrap();
    assert_eq!(acquired.len(), 3);
    assert!(
        acquired.iter().all(|i| *i < first_release),
        "{}",
        run.stdout
    );
}

#[test]
fn listing_11_9_refuses_the_second_release() {
    let run = run(&["11.9", "--virtual-time"]);
    assert_eq!(
        run.lines().last(),
        Some(&"Second release refused: BoundedSemaphore released too many times")
    );
}

#[test]
fn listing_11_10_releases_both_waiters_only_after_the_trigger() {
    let run = run(&["11.10", "--virtual-time"]);
    let trigger = run.position("Triggering event!");
    let work = run.positions("Performing work!");
    assert_eq!(work.len(), 2);
    assert!(work.iter().all(|i| *i > trigger));
    assert_eq!(
        run.positions("Waiting for event...")
            .iter()
            .filter(|i| **i < trigger)
            .count(),
        2
    );
}

#[test]
fn listing_11_11_hands_over_the_whole_upload() {
    let run = run(&["11.11", "--virtual-time"]);
    assert!(
        run.stdout
            .ends_with("Upload complete, 34 bytes:\nfirst line\nsecond line\nthird line\n")
    );
    assert!(run.position("client: done") < run.position("Upload complete"));
}

#[test]
fn listing_11_12_demo_prints_both_uploads() {
    let run = run(&["11.12", "--demo"]);
    assert_eq!(
        run.positions("Connection from 127.0.0.1:").len(),
        2,
        "{}",
        run.stdout
    );
    assert_eq!(
        count(
            &run,
            r#"Upload finished (28 bytes): "Buy milk.\nCall the dentist.\n""#
        ),
        1,
        "{}",
        run.stdout
    );
    assert_eq!(
        run.positions("Upload finished (68 bytes): \"an old silent pond")
            .len(),
        1
    );
}

#[test]
fn listing_11_12_reports_a_port_in_use_and_exits_1() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for args in [
        vec!["11.12", "--port", &port],
        vec!["11.12", "--demo", "--port", &port],
    ] {
        let run = run_bin(BIN, &args, "");
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        let expected = format!("port {port} is already in use on 127.0.0.1");
        let lines: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.contains(&expected))
            .collect();
        assert_eq!(lines.len(), 1, "{}", run.stderr);
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn listing_11_13_misses_four_of_five_sets() {
    let run = run(&["11.13", "--virtual-time"]);
    assert_eq!(run.positions("Triggering event!").len(), 5);
    assert_eq!(run.positions("Performing work!").len(), 2);
    assert!(!run.stdout.contains("Finished work!"));
    assert_eq!(
        run.lines().last(),
        Some(&"The event was set 5 times; 2 wake-ups, all on set #1; 4 sets were missed")
    );
}

#[test]
fn listing_11_14_runs_the_rounds_asked_for() {
    let run = run(&["11.14", "--virtual-time", "--rounds", "3"]);
    assert_eq!(run.positions("fire_event: Lock acquired").len(), 3);
    assert_eq!(run.positions("Worker 1: condition event fired").len(), 3);
    assert_eq!(run.positions("Worker 2: condition event fired").len(), 3);
    assert_eq!(
        run.lines().last(),
        Some(&"3 rounds done in 17.0000 second(s): every notification woke both workers")
    );
}

#[test]
fn listing_11_14_on_the_multi_thread_runtime_wakes_both_workers() {
    // Real clock: one round is 5 s of waiting plus 2 s of work.
    let run = run(&["11.14", "--runtime", "multi-thread", "--rounds", "1"]);
    assert_eq!(run.positions("Worker 1: Work finished").len(), 1);
    assert_eq!(run.positions("Worker 2: Work finished").len(), 1);
}
