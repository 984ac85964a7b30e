//! The slow-poll detector: a poll that blocks is reported, a quick one is
//! not, and nothing is reported while debug mode is off.

use std::sync::Mutex;
use std::time::Duration;

use shared_util::debug;
use shared_util::report::capture;

/// Debug mode is process-wide: tests take turns.
static SERIAL: Mutex<()> = Mutex::new(());

fn run<F: Future>(future: F) -> Vec<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    capture(|| runtime.block_on(future)).1
}

async fn block_for(millis: u64) {
    std::thread::sleep(Duration::from_millis(millis));
}

#[test]
fn a_blocking_poll_is_reported_with_its_task_and_time() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    debug::enable();
    debug::set_slow_poll_threshold(Duration::from_millis(20));
    let lines = run(debug::watch("blocker", block_for(80)));
    debug::disable();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("slow poll: task 'blocker' held the thread for 0.0"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("(threshold 20 ms)"), "{}", lines[0]);
}

#[test]
fn a_quick_poll_is_not_reported() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    debug::enable();
    debug::set_slow_poll_threshold(Duration::from_millis(100));
    let lines = run(debug::watch("quick", async {
        // Waiting is not holding: a long sleep on the timer is fine.
        tokio::time::sleep(Duration::from_millis(150)).await;
    }));
    debug::disable();
    assert!(lines.is_empty(), "{lines:?}");
}

#[test]
fn timed_futures_are_watched_too() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    debug::enable();
    debug::set_slow_poll_threshold(Duration::from_millis(20));
    let lines = run(shared_util::span("timed blocker", block_for(80)));
    debug::disable();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("task 'timed blocker'"));
}

#[test]
fn nothing_is_reported_while_debug_mode_is_off() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    debug::disable();
    let lines = run(debug::watch("blocker", block_for(150)));
    assert!(lines.is_empty(), "{lines:?}");
    assert_eq!(debug::slow_poll_threshold(), debug::DEFAULT_SLOW_POLL);
}
