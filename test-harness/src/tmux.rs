//! A full-screen app in a real terminal: tmux, off-screen.
//!
//! Terminal apps (raw mode, the alternate screen, keys one at a time) need
//! a pseudo-terminal; a pipe will not do. [`Tmux::start`] runs a command in
//! a detached tmux session of a given size, on a private tmux server (its
//! own socket in the temporary directory, no user configuration), so tests
//! never see each other's sessions or a developer's. Keys go in with
//! [`Tmux::keys`] (tmux's `send-keys`), the screen comes back with
//! [`Tmux::screen`] (`capture-pane`), and every wait is bounded by
//! [`TMUX_WAIT`]. Dropping a `Tmux` kills its server and whatever still
//! runs in it.
//!
//! A test that uses it carries
//! `#[cfg_attr(not(has_tmux), ignore = "tmux not found: apt-get install tmux")]`,
//! so a machine without tmux reports it ignored; run anyway, [`Tmux::start`]
//! fails saying what to install.
//!
//! ```no_run
//! use test_harness::tmux::{self, Tmux};
//!
//! let tmux = Tmux::start("top", (100, 30), &tmux::then_report_exit("top"));
//! tmux.wait_for("load average");
//! tmux.keys(&["q"]);
//! assert!(tmux.wait_for("EXITED").contains("EXITED 0"));
//! ```

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub use nix::sys::signal::Signal;

/// The longest any wait for the screen may take.
pub const TMUX_WAIT: Duration = Duration::from_secs(30);

/// The one session on each private server.
const SESSION: &str = "test";

/// A detached tmux session on a private server; dropping it kills the
/// server.
#[derive(Debug)]
pub struct Tmux {
    /// The socket of this test's own tmux server (`tmux -S`), removed on
    /// drop: tmux leaves it behind.
    socket: PathBuf,
}

impl Tmux {
    /// Starts `command` (a shell command line) in a detached session of
    /// `width` columns and `height` rows, on a new private server named
    /// after `test`. Fails saying what to install where tmux is missing.
    pub fn start(test: &str, (width, height): (u16, u16), command: &str) -> Self {
        crate::require(crate::Tool::Tmux);
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let tmux = Tmux {
            socket: std::env::temp_dir().join(format!(
                "tmux-{test}-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst)
            )),
        };
        let (width, height) = (width.to_string(), height.to_string());
        let started = tmux.run(&[
            "new-session",
            "-d",
            "-s",
            SESSION,
            "-x",
            &width,
            "-y",
            &height,
            command,
        ]);
        assert!(
            started.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&started.stderr)
        );
        tmux
    }

    /// Runs one tmux command (`args`) on this server; returns what it
    /// printed and how it exited.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            // No ~/.tmux.conf: the session is the same on every machine.
            .args(["-f", "/dev/null", "-S"])
            .arg(&self.socket)
            .args(args)
            .env("TERM", "xterm-256color")
            .output()
            .expect("tmux runs")
    }

    /// Types `keys` into the pane, in tmux's `send-keys` names: `"abc"`,
    /// `"Enter"`, `"BSpace"`, `"C-c"`.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", SESSION];
        args.extend_from_slice(keys);
        let sent = self.run(&args);
        assert!(
            sent.status.success(),
            "tmux send-keys {keys:?} failed: {}",
            String::from_utf8_lossy(&sent.stderr)
        );
    }

    /// The visible screen, one line per row.
    pub fn screen(&self) -> String {
        let captured = self.run(&["capture-pane", "-p", "-t", SESSION]);
        String::from_utf8_lossy(&captured.stdout).into_owned()
    }

    /// Waits (at most [`TMUX_WAIT`]) until the screen satisfies `ok`;
    /// returns that screen. Panics naming `what`, with the last screen.
    pub fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TMUX_WAIT;
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {what} within {TMUX_WAIT:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits (bounded) until the screen shows `text`; returns that screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait(&format!("{text:?}"), |screen| screen.contains(text))
    }

    /// The process id of the pane's shell.
    pub fn pane_pid(&self) -> u32 {
        let shown = self.run(&["display-message", "-p", "-t", SESSION, "#{pane_pid}"]);
        let text = String::from_utf8_lossy(&shown.stdout);
        text.trim()
            .parse()
            .unwrap_or_else(|_| panic!("no pane pid in {text:?}"))
    }

    /// Sends `signal` to the app: the child of the pane's shell (as `kill`
    /// from another terminal would). Panics when the shell has no child.
    pub fn signal_app(&self, signal: Signal) {
        let shell = self.pane_pid();
        let app = children_of(shell)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no app process under the pane's shell {shell}"));
        let pid = i32::try_from(app).expect("a pid fits in i32");
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), signal)
            .unwrap_or_else(|e| panic!("could not send {signal} to {app}: {e}"));
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// A shell command line that runs `app`, then prints `EXITED <code>` and
/// `stty -a` (whose `icanon` or `-icanon` tells cooked mode from raw), then
/// keeps the pane open a minute so the test can read all of it.
pub fn then_report_exit(app: &str) -> String {
    format!("{app}; echo EXITED $?; stty -a; sleep 60")
}

/// The last non-empty row of `screen`, without trailing blanks: where a
/// console app keeps its input line.
pub fn last_row(screen: &str) -> &str {
    screen
        .lines()
        .rfind(|line| !line.trim().is_empty())
        .unwrap_or("")
        .trim_end()
}

/// The live children of process `parent` (Linux: from `/proc`).
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // The name (field 2) may hold spaces; the parent id is the
            // second field after it.
            let ppid = stat
                .get(stat.rfind(')')? + 1..)?
                .split_whitespace()
                .nth(1)?
                .parse::<u32>()
                .ok()?;
            (ppid == parent).then_some(pid)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_row_skips_blank_rows_and_trailing_blanks() {
        assert_eq!(last_row("top\n> abc   \n\n   \n"), "> abc");
        assert_eq!(last_row("\n\n"), "");
    }

    #[test]
    fn our_own_child_is_found() {
        let mut child = Command::new("sleep").arg("30").spawn().expect("sleep runs");
        assert!(children_of(std::process::id()).contains(&child.id()));
        child.kill().unwrap();
        child.wait().unwrap();
    }

    #[test]
    #[cfg_attr(not(has_tmux), ignore = "tmux not found: apt install tmux")]
    fn a_session_shows_its_command_takes_keys_and_ends_on_drop() {
        let tmux = Tmux::start("harness", (80, 24), &then_report_exit("cat"));
        tmux.keys(&["hello", "Enter"]);
        // The terminal echoes the line, then cat prints it back.
        tmux.wait("the line twice", |s| s.matches("hello").count() == 2);
        tmux.keys(&["C-d"]);
        let screen = tmux.wait("the exit report", |s| s.contains("icanon"));
        assert!(screen.contains("EXITED 0"), "{screen}");
        let socket = tmux.socket.clone();
        drop(tmux);
        assert!(!socket.exists(), "the socket outlived the drop");
        let listed = Command::new("tmux")
            .arg("-S")
            .arg(&socket)
            .arg("list-sessions")
            .output()
            .unwrap();
        assert!(!listed.status.success(), "the server outlived the drop");
    }
}
