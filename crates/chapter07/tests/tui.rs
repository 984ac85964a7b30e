//! A smoke test of the 7.13 load tester in a real pseudo-terminal: tmux
//! runs it off-screen (test-harness's [`Tmux`]), the test reads the screen,
//! starts a small load test, and quits with `q`. Skipped, with a note,
//! where tmux is missing.

use test_harness::tmux::{self, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_chapter07");

#[test]
fn the_load_tester_renders_runs_and_quits_on_q() {
    // The shell prints a marker after the app ends, so its exit is visible.
    let command = tmux::then_report_exit(&format!("{BIN} 7.13 --requests 30"));
    let Some(tmux) = Tmux::start("chapter07-tui", (100, 30), &command) else {
        return;
    };

    let screen = tmux.wait_for("press s to start");
    assert!(
        screen.contains("URL [u]") && screen.contains("Requests [n]"),
        "{screen}"
    );
    assert!(screen.contains("http://127.0.0.1:"), "{screen}");
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
