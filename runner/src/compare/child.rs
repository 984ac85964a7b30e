//! The child's side of `compare`: what a run of this binary that
//! `compare` started does to report back (its CPU time and memory, the
//! work a load did) and to end with its parent.

use std::time::Duration;

/// The environment variable naming the file a child writes its
/// statistics to when it ends: `cpu_micros peak_rss_bytes`.
pub const STATS_ENV: &str = "RCT_COMPARE_STATS";

/// The environment variable naming the file a load tool writes the work
/// it did to: `count elapsed_micros unit` (see [`report_work`]).
pub const WORK_ENV: &str = "RCT_COMPARE_WORK";

/// Called by a load tool (or a listing whose run counts its own work, as
/// 12.3 and 12.11 count orders) when its measured phase ends: if [`WORK_ENV`] is
/// set, record how many units of work (`round-trips`) it did, how long they
/// took and (when it knows) their 99th-percentile latency, for `compare` to
/// time and rate a server by.
pub fn report_work(count: u64, unit: &str, elapsed: Duration, p99: Option<Duration>) {
    if let Some(path) = std::env::var_os(WORK_ENV) {
        let p99 = p99.map_or("-".to_owned(), |p| p.as_micros().to_string());
        let _ = std::fs::write(
            path,
            format!("{count} {} {unit} {p99}\n", elapsed.as_micros()),
        );
    }
}

/// What a child wrote with [`report_work`]: the count, how long the
/// measured phase took, the unit, and the p99 latency when it knew one.
pub(crate) fn read_work(
    path: &std::path::Path,
) -> Option<(u64, Duration, String, Option<Duration>)> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut parts = text.split_whitespace();
    let count = parts.next()?.parse::<u64>().ok()?;
    let micros = parts.next()?.parse::<u64>().ok()?;
    let unit = parts.next()?.to_owned();
    let p99 = parts
        .next()
        .and_then(|p| p.parse::<u64>().ok())
        .map(Duration::from_micros);
    Some((count, Duration::from_micros(micros), unit, p99))
}

/// Set on every child `compare` starts, so a child of this binary knows
/// to end with its parent (see [`end_with_compare`]).
pub const CHILD_ENV: &str = "RCT_COMPARE_CHILD";

/// Called by the runner first thing: in a child `compare` started, ask the
/// kernel for SIGTERM when `compare` dies, so a killed `compare` (SIGKILL,
/// a closed terminal) leaves no server or listing running behind it.
/// Python rows do not do this; Ctrl-C reaches them through the terminal's
/// process group.
pub fn end_with_compare() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        use nix::sys::signal::Signal;
        let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGTERM);
        // compare may have died before the line above ran.
        if nix::unistd::getppid() == nix::unistd::Pid::from_raw(1) {
            std::process::exit(1);
        }
    }
}

/// Called by the runner when a run ends: if [`STATS_ENV`] is set, write
/// this process's CPU time and peak memory there.
pub fn write_own_stats() {
    let Some(path) = std::env::var_os(STATS_ENV) else {
        return;
    };
    let cpu = shared_util::sys::cpu_time() + shared_util::sys::children_cpu_time();
    let rss = shared_util::sys::peak_resident_bytes(std::process::id()).unwrap_or(0);
    let _ = std::fs::write(path, format!("{} {rss}\n", cpu.as_micros()));
}
