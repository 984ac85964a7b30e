//! A smoke test of the 7.13 load tester in a real pseudo-terminal: tmux
//! runs it off-screen (test-harness's [`Tmux`]), the test reads the screen,
//! starts a small load test, and quits with `q`. Skipped, with a note,
//! where tmux is missing.

use test_harness::tmux::{self, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_chapter07");

#[test]
#[cfg_attr(not(has_tmux), ignore = "tmux not found: apt install tmux")]
fn the_load_tester_renders_runs_and_quits_on_q() {
    // The shell prints a marker after the app ends, so its exit is visible.
    let command = tmux::then_report_exit(&format!("{BIN} 7.13 --requests 30"));
    let tmux = Tmux::start("chapter07-tui", (100, 30), &command);

    let screen = tmux.wait_for("press s to start");
    assert!(
        screen.contains("URL [u]") && screen.contains("Requests [n]"),
        "{screen}"
    );
    assert!(screen.contains("http://127.0.0.1:"), "{screen}");
    // The default target answers like a far server, so the bar can move.
    assert!(screen.contains("/delay/200"), "{screen}");
    tmux.keys(&["s"]);
    tmux.wait_for("finished: 30/30 requests done");
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXITED");
    assert!(screen.contains("EXITED 0"), "{screen}");
    assert!(
        screen.contains("load tester closed: 30 requests done"),
        "{screen}"
    );
}

#[test]
#[cfg_attr(not(has_tmux), ignore = "tmux not found: apt install tmux")]
fn listing_7_12_says_hello_on_enter_and_closes_on_q() {
    let command = tmux::then_report_exit(&format!("{BIN} 7.12"));
    let tmux = Tmux::start("chapter07-hello", (80, 20), &command);
    let screen = tmux.wait_for("Say hello");
    assert!(!screen.contains("Hello there!"), "{screen}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Hello there!");
    tmux.keys(&["Space"]);
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXITED");
    assert!(screen.contains("EXITED 0"), "{screen}");
    assert!(
        screen.contains("the button said hello 2 time(s)"),
        "{screen}"
    );
}
