//! Progress for long runs, on stderr: a bar on a terminal, plain lines
//! elsewhere.
//!
//! A listing that sends 1000 requests can show them completing without
//! mixing the bar into its output: the bar goes to stderr. When stderr is
//! not a terminal (a pipe, a log, CI, a test) a bar cannot be redrawn, so
//! [`Progress`] writes a plain line instead — `hashing passwords: 1200/10000
//! (5 s)` — at most every [`PLAIN_EVERY`], and nothing at all for work that
//! ends sooner. Long work is never silent, and short transcripts stay clean.

use std::io::IsTerminal as _;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often a plain progress line is written off a terminal.
pub const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// A bar counting to `len`, labelled `what` (e.g. "requests"). Call
/// `inc(1)` per item and `finish_and_clear()` at the end; `set_message`
/// names the item in progress (shown on a terminal only).
///
/// ```
/// let bar = shared_util::progress::bar(3, "requests");
/// for _ in 0..3 { bar.inc(1); }
/// bar.finish_and_clear();
/// ```
pub fn bar(len: u64, what: &str) -> Progress {
    if !std::io::stderr().is_terminal() {
        return Progress::plain(len, what, PLAIN_EVERY);
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    // `what` is text, not template: braces in it are doubled so indicatif
    // does not read them as keys. `{msg}` shows what `set_message` says is
    // running now (empty unless set).
    let escaped = what.replace('{', "{{").replace('}', "}}");
    let template = format!("{{bar:40.cyan/blue}} {{pos}}/{{len}} {escaped} ({{elapsed}}) {{msg}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
    }
    Progress { bar, plain: None }
}

/// Progress of `len` items: an indicatif bar on a terminal, plain lines on
/// stderr otherwise. Cheap to clone; clones share the count.
#[derive(Clone, Debug)]
pub struct Progress {
    bar: ProgressBar,
    plain: Option<Arc<Plain>>,
}

#[derive(Debug)]
struct Plain {
    what: String,
    len: u64,
    every: Duration,
    done: AtomicU64,
    start: Instant,
    last_line: Mutex<Instant>,
}

impl Progress {
    /// Plain lines only, every `every` at most (what [`bar`] gives off a
    /// terminal; public so the line format can be tested).
    pub fn plain(len: u64, what: &str, every: Duration) -> Self {
        let now = Instant::now();
        Self {
            bar: ProgressBar::hidden(),
            plain: Some(Arc::new(Plain {
                what: what.to_owned(),
                len,
                every,
                done: AtomicU64::new(0),
                start: now,
                last_line: Mutex::new(now),
            })),
        }
    }

    /// `n` more items done.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
        if let Some(plain) = &self.plain {
            let done = plain.done.fetch_add(n, Ordering::Relaxed) + n;
            if let Some(line) = plain.line_if_due(done) {
                eprintln!("{line}");
            }
        }
    }

    /// Names the item in progress (on a terminal).
    pub fn set_message(&self, message: impl Into<std::borrow::Cow<'static, str>>) {
        self.bar.set_message(message);
    }

    /// Redraws the bar every `interval` even without news (on a terminal).
    pub fn enable_steady_tick(&self, interval: Duration) {
        self.bar.enable_steady_tick(interval);
    }

    /// Removes the bar. Plain lines need no clearing.
    pub fn finish_and_clear(&self) {
        self.bar.finish_and_clear();
    }
}

impl Plain {
    fn line_if_due(&self, done: u64) -> Option<String> {
        let mut last = self.last_line.lock().ok()?;
        if last.elapsed() < self.every {
            return None;
        }
        *last = Instant::now();
        Some(format!(
            "{}: {done}/{} ({} s)",
            self.what,
            self.len,
            self.start.elapsed().as_secs()
        ))
    }
}

/// A spinner labelled `what` for work of unknown length (a server
/// starting); `set_message` says which step runs. Hidden when stderr is
/// not a terminal, like [`bar`].
pub fn spinner(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let what = what.replace('{', "{{").replace('}', "}}");
    if let Ok(style) =
        ProgressStyle::with_template(&format!("{{spinner}} {what}: {{msg}} ({{elapsed}})"))
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_come_only_when_due() {
        let progress = Progress::plain(10, "passwords", Duration::from_secs(3600));
        let plain = progress.plain.as_ref().unwrap();
        assert_eq!(plain.line_if_due(1), None);

        let progress = Progress::plain(10, "passwords", Duration::ZERO);
        let plain = progress.plain.as_ref().unwrap();
        assert_eq!(
            plain.line_if_due(4).as_deref(),
            Some("passwords: 4/10 (0 s)")
        );
    }
}
