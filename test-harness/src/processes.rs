//! The process table: finding whatever a test run left alive.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The environment variable that marks every process a test run starts.
///
/// Children inherit their parent's environment, so every process a listing
/// starts — its workers, `ls`, `sleep`, their children — carries the
/// marker, and [`processes_with_marker`] finds whichever are still alive.
pub const MARKER_VAR: &str = "RCT_TEST_MARKER";

/// A marker no other run of this test process shares.
pub fn new_marker(name: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

/// A live process found by [`processes_with_marker`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// Its process id.
    pub pid: u32,
    /// Its short name (`/proc/PID/comm`), e.g. `gpg-agent`.
    pub name: String,
    /// Its command line, arguments separated by spaces.
    pub cmdline: String,
}

/// Live processes whose environment holds `MARKER_VAR=marker` (Linux: read
/// from `/proc`). Zombies have no environment left and are not listed;
/// anything still running is.
pub fn processes_with_marker(marker: &str) -> Vec<Leftover> {
    let needle = format!("{MARKER_VAR}={marker}");
    processes_where(|proc_dir| {
        // Unreadable: gone already, or not ours to read.
        std::fs::read(proc_dir.join("environ")).is_ok_and(|environ| {
            environ
                .split(|b| *b == 0)
                .any(|var| var == needle.as_bytes())
        })
    })
}

/// Live processes whose working directory is `dir` or inside it (Linux:
/// read from `/proc`). For programs that overwrite their own environment,
/// as PostgreSQL's server processes do when they set their titles, so
/// [`processes_with_marker`] cannot see them: a server that runs in a
/// data directory is found by where it runs.
pub fn processes_under(dir: &std::path::Path) -> Vec<Leftover> {
    processes_where(|proc_dir| {
        std::fs::read_link(proc_dir.join("cwd")).is_ok_and(|cwd| cwd.starts_with(dir))
    })
}

/// A temp dir for one run (pass it as the run's `TMPDIR`), open to all and
/// sticky like /tmp: as root, the demo database runs as the `postgres`
/// user, whose supervisor must be able to delete the directory it was
/// given there.
pub fn run_temp_dir(marker: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = std::env::temp_dir().join(marker);
    std::fs::create_dir_all(&dir).expect("create the run's temp dir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777))
        .expect("open the run's temp dir to all");
    dir
}

/// Waits (at most 15 s) until nothing of the run marked `marker` is left
/// (no process with the marker, none running inside `dir`, no file in
/// `dir`), then removes `dir`; fails naming whatever is left.
pub fn assert_nothing_left(marker: &str, dir: &std::path::Path) {
    use std::time::{Duration, Instant};
    let deadline = Instant::now() + Duration::from_secs(15);
    let left = || {
        let mut left: Vec<String> = processes_with_marker(marker)
            .into_iter()
            .chain(processes_under(dir))
            .map(|p| format!("process {} {}", p.pid, p.cmdline))
            .collect();
        left.extend(
            std::fs::read_dir(dir)
                .expect("the run's temp dir is still there")
                .flatten()
                .map(|e| format!("file {}", e.path().display())),
        );
        left
    };
    while !left().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(left().is_empty(), "left behind: {:#?}", left());
    std::fs::remove_dir(dir).expect("remove the run's temp dir");
}

/// Resident memory of process `pid` in bytes, from `/proc/PID/status`
/// (Linux only; `None` elsewhere or when the process is gone).
pub fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Every live process whose `/proc/PID` folder passes `wanted`.
fn processes_where(wanted: impl Fn(&std::path::Path) -> bool) -> Vec<Leftover> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let proc_dir = entry.path();
        if !wanted(&proc_dir) {
            continue;
        }
        let name = std::fs::read_to_string(proc_dir.join("comm")).unwrap_or_default();
        let cmdline = std::fs::read(proc_dir.join("cmdline")).unwrap_or_default();
        found.push(Leftover {
            pid,
            name: name.trim().to_owned(),
            cmdline: String::from_utf8_lossy(&cmdline)
                .replace('\0', " ")
                .trim()
                .to_owned(),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use std::process::Command;
    use std::time::{Duration, Instant};

    use super::*;

    #[test]
    fn a_marked_process_is_found_until_it_ends() {
        let marker = new_marker("control");
        let mut child = Command::new("sleep")
            .arg("30")
            .env(MARKER_VAR, &marker)
            .spawn()
            .expect("sleep runs");
        // /proc shows the new environment once exec has happened.
        let deadline = Instant::now() + Duration::from_secs(10);
        while processes_with_marker(&marker).is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let found = processes_with_marker(&marker);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].pid, child.id());
        assert_eq!(found[0].name, "sleep");
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(processes_with_marker(&marker).is_empty());
    }
}
