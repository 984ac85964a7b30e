//! Progress bars for long runs, drawn on stderr and only on a terminal.
//!
//! A listing that sends 1000 requests can show them completing without
//! mixing the bar into its output: the bar goes to stderr, and when stderr
//! is not a terminal (a pipe, a test, CI) it is hidden entirely, so
//! transcripts stay clean.

use std::io::IsTerminal as _;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar counting to `len`, labelled `what` (e.g. "requests"); hidden when
/// stderr is not a terminal. Call `inc(1)` per item and `finish_and_clear()`
/// at the end; `set_message` names the item in progress.
///
/// ```
/// let bar = shared_util::progress::bar(3, "requests");
/// for _ in 0..3 { bar.inc(1); }
/// bar.finish_and_clear();
/// ```
pub fn bar(len: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    // `what` is text, not template: braces in it are doubled so indicatif
    // does not read them as keys. `{msg}` shows what `set_message` says is
    // running now (empty unless set).
    let what = what.replace('{', "{{").replace('}', "}}");
    let template = format!("{{bar:40.cyan/blue}} {{pos}}/{{len}} {what} ({{elapsed}}) {{msg}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
    }
    bar
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
