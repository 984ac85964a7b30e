//! Every chapter-14 listing that ends by itself, run as a user runs it: the
//! real binary, on a paused clock where Tokio's timers are involved. Whole
//! transcripts are compared with snapshots; the claims each listing makes
//! (order, poll and wake counts) are also asserted one by one, so a changed
//! snapshot cannot hide a broken lesson.

use test_harness::{Run, run_ok};

const BIN: &str = env!("CARGO_BIN_EXE_chapter14");

fn run(args: &[&str]) -> Run {
    run_ok(BIN, args)
}

#[test]
fn timer_listings_match_their_snapshots() {
    for id in [
        "14.1", "14.3", "14.5", "14.6", "14.7", "14.8", "14.9", "14.11",
    ] {
        let run = run(&[id, "--virtual-time"]);
        insta::assert_snapshot!(format!("listing_{}", id.replace('.', "_")), run.stdout);
    }
}

#[test]
fn listing_14_1_runs_plain_functions_after_the_tasks_start_and_both_tasks_together() {
    let run = run(&["14.1", "--virtual-time"]);
    let started = run.positions("Running coroutine, sleeping!");
    let hello = run.position("Hello from a regular function!");
    let finished = run.positions("Finished sleeping!");
    assert_eq!(started.len(), 2, "{}", run.stdout);
    assert_eq!(finished.len(), 2, "{}", run.stdout);
    assert!(started[1] < hello && hello < finished[0], "{}", run.stdout);
    // Two one-second sleeps side by side: one second, not two.
    run.position("finished runner.run() in 1.0000 second(s)");
}

#[test]
fn listing_14_3_spawned_tasks_start_only_when_main_yields() {
    let run = run(&["14.3", "--virtual-time"]);
    let gathering = run.positions("Gathering tasks:");
    let sleeping = run.positions("sleeping for ");
    assert_eq!(gathering.len(), 2);
    assert_eq!(sleeping.len(), 4, "{}", run.stdout);
    // Without a yield: both start after "Gathering tasks:".
    assert!(gathering[0] < sleeping[0] && sleeping[1] < gathering[1]);
    // With a yield after each spawn: both start before it.
    assert!(sleeping[3] < gathering[1], "{}", run.stdout);
}

#[test]
fn listing_14_3_on_the_multi_thread_runtime_still_runs_every_delay() {
    let run = run(&["14.3", "--runtime", "multi-thread"]);
    assert_eq!(
        run.positions("finished sleeping for ").len(),
        4,
        "{}",
        run.stdout
    );
}

#[test]
fn listing_14_5_the_hand_written_state_machine_prints_what_the_async_fn_prints() {
    let run = run(&["14.5", "--virtual-time"]);
    let book: Vec<&str> = run
        .lines()
        .into_iter()
        .filter(|l| *l == "Sleeping!" || *l == "Finished!")
        .collect();
    assert_eq!(book, ["Sleeping!", "Finished!", "Sleeping!", "Finished!"]);
    // Polled twice: once to the await (Pending), once after the timer woke it.
    let polls = run.lines().into_iter().filter(|l| l.contains("[poll]"));
    assert_eq!(polls.count(), 3, "{}", run.stdout);
    assert_eq!(run.stdout.matches("return Pending").count(), 1);
    let timed = run
        .lines()
        .into_iter()
        .filter(|l| l.ends_with("in 1.0000 second(s)"));
    assert_eq!(timed.count(), 2, "{}", run.stdout);
}

#[test]
fn listing_14_6_interleaves_two_generators_until_both_are_done() {
    let run = run(&["14.6"]);
    assert_eq!(
        run.lines(),
        [
            "1", "5", "2", "6", "3", "7", "4", "8", "None", "9", "None", "None"
        ]
    );
}

#[test]
fn listing_14_7_one_poll_runs_both_nested_futures_to_the_end() {
    let run = run(&["14.7"]);
    let made = run.position("made the future: nothing printed yet");
    assert!(made < run.position("Hello!"));
    assert!(run.position("Hello!") < run.position("Goodbye!"));
    run.position("one poll returned Ready(())");
}

#[test]
fn listing_14_8_the_waker_is_called_exactly_once_per_readiness() {
    let run = run(&["14.8"]);
    assert_eq!(run.positions("poll: Pending").len(), 2);
    // Called once by set_result, though it was polled (and stored) twice.
    assert_eq!(
        run.positions("waker called 1 time(s)").len(),
        2,
        "{}",
        run.stdout
    );
    run.position("poll: Ready(\"Finished!\"), after 3 polls");
}

#[test]
fn listing_14_9_tokio_polls_the_future_only_when_it_is_woken() {
    let run = run(&["14.9", "--virtual-time"]);
    run.position("3 polls, waker called 1 time(s)");
    assert!(run.position("Setting future value...") < run.position("Value is: Finished!"));
    run.position("finished future.await in 1.0000 second(s)");
    run.position("Tokio polled the future 2 times");
}

#[test]
fn listing_14_11_each_task_is_polled_once_per_wake_plus_its_first_step() {
    let run = run(&["14.11"]);
    assert_eq!(run.stdout.matches("[task 1] woken").count(), 2);
    assert_eq!(run.stdout.matches("[task 2] woken").count(), 1);
    run.position("task 1 was polled 3 times");
    run.position("task 2 was polled 2 times");
    assert!(run.position("task 1: got one") < run.position("task 1: got two"));
    assert!(run.position("task 1: got two") < run.position("task 2: got three"));
}

#[test]
fn listing_14_12_the_loop_runs_sockets_and_timers_in_deadline_order() {
    let run = run(&["14.12"]);
    assert_eq!(
        run.lines(),
        [
            "main: spawning two sleepers, 200 ms and 100 ms",
            "server task: accepted a connection",
            "client: sent b\"hello\", got back b\"hello\"",
            "server task: echoed 5 bytes",
            "main: waiting for the sleepers",
            "sleeper 100 ms: woke up",
            "sleeper 200 ms: woke up",
            "main: sleepers returned 200 and 100",
        ]
    );
}
