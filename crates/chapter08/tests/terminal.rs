//! Smoke tests of the full-screen apps in a real pseudo-terminal: each
//! runs inside a detached tmux session on a private tmux socket, keys go
//! in with `send-keys`, the screen comes back with `capture-pane`. After
//! the app quits, the shell prints its exit code and `stty -a`, so the test
//! sees that raw mode and the alternate screen were left. Skipped, with a
//! note, where tmux is not installed.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{BIN, Client};

struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` in a 100x30 session, or None without tmux.
    fn start(test: &str, command: &str) -> Option<Self> {
        if !Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            println!("note: tmux is not installed; skipping the terminal smoke test {test}");
            return None;
        }
        let tmux = Tmux {
            socket: format!("chapter08-{test}-{}", std::process::id()),
        };
        let script = format!("{command}; echo EXITED $?; stty -a; sleep 60");
        let status = Command::new("tmux")
            .args([
                "-L",
                &tmux.socket,
                "new-session",
                "-d",
                "-x",
                "100",
                "-y",
                "30",
            ])
            .arg(script)
            .env("TERM", "xterm-256color")
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        Some(tmux)
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys"])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits (bounded) until the screen satisfies `ok`; returns it.
    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait(text, |s| s.contains(text))
    }

    /// The last non-empty row: the input line.
    fn input_row(screen: &str) -> &str {
        screen
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim_end()
    }

    /// After the app quits: exit 0, cooked mode, the app's screen gone.
    fn assert_restored(&self, app_text: &str) {
        // Wait for stty's local-mode flags too: they come a moment after
        // the exit code, and `icanon` is among them whether on or off.
        let screen = self.wait("the exit code and stty -a", |s| {
            s.contains("EXITED") && s.contains("icanon")
        });
        assert!(screen.contains("EXITED 0"), "{screen}");
        assert!(
            screen.contains(" icanon") && !screen.contains("-icanon"),
            "raw mode left on:\n{screen}"
        );
        assert!(
            !screen.contains(app_text),
            "the alternate screen was not left:\n{screen}"
        );
    }
}

impl Tmux {
    /// Sends `signal` (e.g. "INT") to the app: the shell's child in the pane.
    fn signal_app(&self, signal: &str) {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "display-message", "-p", "#{pane_pid}"])
            .output()
            .unwrap();
        let shell = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let out = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
        let app = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert!(
            !app.is_empty(),
            "no app process under the pane's shell {shell}"
        );
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &app])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

#[test]
fn the_delay_console_keeps_typing_while_delays_finish() {
    let Some(tmux) = Tmux::start("delay", &format!("{BIN} 8.10")) else {
        return;
    };
    tmux.wait_for("Type a number of seconds");
    tmux.keys(&["1", "2", "BSpace"]);
    tmux.wait("> 1 on the input line", |s| Tmux::input_row(s) == "> 1");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Starting delay 1");
    tmux.keys(&["a", "b", "c"]);
    let screen = tmux.wait_for("Finished delay 1");
    tmux.wait("the typed text kept", |s| Tmux::input_row(s) == "> abc");
    assert!(screen.find("Starting delay 1") < screen.find("Finished delay 1"));
    tmux.keys(&["C-c"]);
    tmux.assert_restored("Finished delay 1");
}

#[test]
fn a_sigint_from_outside_restores_the_terminal_too() {
    // In raw mode Ctrl-C is a key; a SIGINT sent with `kill` must also end
    // the app through its guard, not leave the terminal raw.
    for (test, id, ready) in [
        ("sigint-console", "8.10", "Type a number of seconds"),
        ("sigint-keys", "8.7", "type lines"),
    ] {
        let Some(tmux) = Tmux::start(test, &format!("{BIN} {id}")) else {
            return;
        };
        tmux.wait_for(ready);
        tmux.signal_app("INT");
        tmux.assert_restored(if id == "8.10" { ready } else { "no such text" });
    }
}

#[test]
fn the_query_console_shows_rows() {
    let Some(tmux) = Tmux::start("query", &format!("{BIN} 8.11")) else {
        return;
    };
    tmux.wait_for("Type part of a product name");
    tmux.keys(&["shoe", "Enter"]);
    tmux.wait_for("Query 'shoe' returned 2 row(s)");
    tmux.wait_for("3: Trail shoe");
    tmux.keys(&["C-d"]);
    tmux.assert_restored("Trail shoe");
}

#[test]
fn the_chat_client_asks_for_a_name_then_chats() {
    let server = common::start(&["8.13"]);
    let command = format!("{BIN} 8.14 --port {}", server.port);
    let Some(tmux) = Tmux::start("chat", &command) else {
        return;
    };
    tmux.wait_for("Enter username:");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the username must not be empty");
    tmux.keys(&["ann", "Enter"]);
    tmux.wait_for("Welcome! 1 user(s) are online!");
    tmux.wait_for("ann connected!");
    let mut bob = Client::connect(server.port);
    bob.send("CONNECT bob\n");
    tmux.wait_for("bob connected!");
    tmux.keys(&["hello bob", "Enter"]);
    tmux.wait_for("ann: hello bob");
    bob.until("ann: hello bob");
    bob.send("hi ann\n");
    let screen = tmux.wait_for("bob: hi ann");
    assert_eq!(Tmux::input_row(&screen), "ann>");
    tmux.keys(&["C-c"]);
    tmux.assert_restored("bob: hi ann");
    bob.until("ann has left the chat");
}
