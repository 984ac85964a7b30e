//! Where shared-util's own lines go: stdout for the book's output, stderr
//! for debug-mode warnings.
//!
//! Listings print with `println!` themselves; only the lines shared-util
//! prints on their behalf (`starting ...`, `finished ...`, slow-poll warnings)
//! pass through here, so that unit tests can capture them with [`capture`]
//! without spawning a process. [`secs`], the one number format they
//! share, lives here too, so the modules that print do not import each
//! other.

use std::cell::RefCell;
use std::time::Duration;

thread_local! {
    /// Lines captured on this thread while a [`capture`] call is active.
    static CAPTURED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Prints one line of program output (stdout), or captures it.
pub fn say(line: String) {
    if !try_capture(&line) {
        println!("{line}");
    }
}

/// Prints one warning line (stderr), or captures it.
pub fn warn(line: String) {
    if !try_capture(&line) {
        eprintln!("{line}");
    }
}

fn try_capture(line: &str) -> bool {
    CAPTURED.with(|cell| match cell.borrow_mut().as_mut() {
        Some(lines) => {
            lines.push(line.to_owned());
            true
        }
        None => false,
    })
}

/// Runs `f` and returns what shared-util printed on this thread meanwhile.
///
/// Meant for tests driving futures on a current-thread runtime, where every
/// poll happens on the calling thread:
///
/// ```
/// let (_, lines) = shared_util::report::capture(|| shared_util::report::say("hi".into()));
/// assert_eq!(lines, ["hi"]);
/// ```
pub fn capture<R>(f: impl FnOnce() -> R) -> (R, Vec<String>) {
    let previous = CAPTURED.with(|cell| cell.borrow_mut().replace(Vec::new()));
    let result = f();
    let lines = CAPTURED.with(|cell| std::mem::replace(&mut *cell.borrow_mut(), previous));
    (result, lines.unwrap_or_default())
}

/// Formats a duration as the book does: seconds with four decimals.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(shared_util::secs(Duration::from_millis(3000)), "3.0000");
/// ```
pub fn secs(duration: Duration) -> String {
    format!("{:.4}", duration.as_secs_f64())
}
