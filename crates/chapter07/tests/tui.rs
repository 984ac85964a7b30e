//! A smoke test of the 7.13 load tester in a real pseudo-terminal: tmux
//! runs it off-screen, the test reads the screen, starts a small load test,
//! and quits with `q`. Skipped, with a note, where tmux is missing.

use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_chapter07");

struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap()
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "ui"]).stdout).into_owned()
    }

    /// Waits (bounded) until the screen shows `needle`.
    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} on screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

#[test]
fn the_load_tester_renders_runs_and_quits_on_q() {
    if Command::new("tmux").arg("-V").output().is_err() {
        println!("note: tmux is not installed; skipping the terminal UI smoke test");
        return;
    }
    let tmux = Tmux {
        socket: format!("chapter07-test-{}", std::process::id()),
    };
    // The shell prints a marker after the app ends, so its exit is visible.
    let command = format!("{BIN} 7.13 --requests 30; echo EXITED $?; sleep 30");
    let started = tmux.cmd(&[
        "new-session",
        "-d",
        "-s",
        "ui",
        "-x",
        "100",
        "-y",
        "30",
        &command,
    ]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );

    let screen = tmux.wait_for("press s to start");
    assert!(
        screen.contains("URL [u]") && screen.contains("Requests [n]"),
        "{screen}"
    );
    assert!(screen.contains("http://127.0.0.1:"), "{screen}");
    tmux.cmd(&["send-keys", "-t", "ui", "s"]);
    tmux.wait_for("finished: 30/30 requests done");
    tmux.cmd(&["send-keys", "-t", "ui", "q"]);
    let screen = tmux.wait_for("EXITED");
    assert!(screen.contains("EXITED 0"), "{screen}");
    assert!(
        screen.contains("load tester closed: 30 requests done"),
        "{screen}"
    );
}
