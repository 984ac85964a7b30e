//! Pinning a server and its load to different CPUs.
//!
//! A server timed under a load shares the machine with the load tool; on
//! two cores, the scheduler moves both around and the load steals the
//! server's core, so every server looks slower than it is. When this
//! process may use two or more CPUs and `taskset` (util-linux) is there,
//! the server runs on the first allowed CPU and the load on the rest, each
//! started as `taskset -c LIST program ...` (`taskset` execs the program,
//! so the pid is the program's). Without either, both run unpinned and
//! `compare` says so.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::chapter::Share;

/// The CPUs the server and the load run on, as `taskset -c` lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pinning {
    pub server: String,
    pub load: String,
}

/// Where a row runs: its own CPUs, and (for a server) its load's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The row's CPUs, as a `taskset -c` list.
    pub cpus: String,
    /// The load's CPUs, for a server.
    pub load: Option<String>,
}

/// The CPUs of a row with `threads` threads, out of the `allowed` ones.
pub fn pin(allowed: &[usize], share: Share, threads: usize) -> Pin {
    let list = |cpus: &[usize]| {
        cpus.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    let own = &allowed[..threads.min(allowed.len())];
    match share {
        Share::All => Pin {
            cpus: list(own),
            load: None,
        },
        Share::Half => {
            let half = (allowed.len() / 2).max(1);
            let load = &allowed[half.min(allowed.len())..];
            Pin {
                cpus: list(own),
                load: (!load.is_empty()).then(|| list(load)),
            }
        }
    }
}

/// The CPUs this process may run on (`Cpus_allowed_list`), in order; the
/// available parallelism's count from 0 where that cannot be read.
pub fn allowed_cpus() -> Vec<usize> {
    let listed = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
                .map(parse_cpu_list)
        })
        .unwrap_or_default();
    if listed.is_empty() {
        (0..std::thread::available_parallelism().map_or(1, usize::from)).collect()
    } else {
        listed
    }
}

/// Keeps this process (and what it starts from now on) to `cpus`; does
/// nothing where that cannot be done.
pub fn keep_to(cpus: &[usize]) {
    use nix::sched::{CpuSet, sched_setaffinity};
    let mut set = CpuSet::new();
    for cpu in cpus {
        if set.set(*cpu).is_err() {
            return;
        }
    }
    let _ = sched_setaffinity(nix::unistd::Pid::from_raw(0), &set);
}

/// The pinning every server run uses, worked out once: `None` when there
/// is one CPU or no `taskset`.
pub fn pinning() -> Option<&'static Pinning> {
    static PINNING: OnceLock<Option<Pinning>> = OnceLock::new();
    PINNING
        .get_or_init(|| {
            let status = std::fs::read_to_string("/proc/self/status").ok()?;
            let allowed = status
                .lines()
                .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))?;
            let found = Command::new("taskset")
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            found.then(|| split(&parse_cpu_list(allowed))).flatten()
        })
        .as_ref()
}

/// `0-3,6` → `[0, 1, 2, 3, 6]`; malformed parts are skipped.
pub fn parse_cpu_list(text: &str) -> Vec<usize> {
    text.trim()
        .split(',')
        .flat_map(|part| {
            let (first, last) = part.split_once('-').unwrap_or((part, part));
            match (first.trim().parse::<usize>(), last.trim().parse::<usize>()) {
                (Ok(first), Ok(last)) if first <= last => (first..=last).collect(),
                _ => Vec::new(),
            }
        })
        .collect()
}

/// The server on the first CPU, the load on the others.
pub fn split(cpus: &[usize]) -> Option<Pinning> {
    let (server, load) = cpus.split_first()?;
    if load.is_empty() {
        return None;
    }
    let load: Vec<String> = load.iter().map(ToString::to_string).collect();
    Some(Pinning {
        server: server.to_string(),
        load: load.join(","),
    })
}

/// A command for `program`, run on `cpus` when given.
pub fn command(program: &Path, cpus: Option<&str>) -> Command {
    match cpus {
        Some(cpus) => {
            let mut command = Command::new("taskset");
            command.args(["-c", cpus]).arg(program);
            command
        }
        None => Command::new(program),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_takes_the_first_cpus_and_its_load_the_second_half() {
        let cpus: Vec<usize> = (0..16).collect();
        assert_eq!(
            pin(&cpus, Share::Half, 4),
            Pin {
                cpus: "0,1,2,3".into(),
                load: Some("8,9,10,11,12,13,14,15".into())
            }
        );
        assert_eq!(pin(&cpus, Share::All, 2).cpus, "0,1");
        assert_eq!(pin(&cpus, Share::All, 2).load, None);
        let two = [0, 1];
        assert_eq!(pin(&two, Share::Half, 1).load.as_deref(), Some("1"));
    }

    #[test]
    fn cpu_lists_are_read_as_the_kernel_writes_them() {
        assert_eq!(parse_cpu_list("0-1\n"), [0, 1]);
        assert_eq!(parse_cpu_list("0-3,6,8-9"), [0, 1, 2, 3, 6, 8, 9]);
        assert_eq!(parse_cpu_list("5"), [5]);
        assert_eq!(parse_cpu_list("x,2"), [2]);
    }

    #[test]
    fn the_server_gets_the_first_cpu_and_the_load_the_rest() {
        assert_eq!(
            split(&[0, 1]),
            Some(Pinning {
                server: "0".into(),
                load: "1".into()
            })
        );
        assert_eq!(
            split(&[2, 3, 5]),
            Some(Pinning {
                server: "2".into(),
                load: "3,5".into()
            })
        );
        assert_eq!(split(&[0]), None, "one CPU: nothing to separate");
        assert_eq!(split(&[]), None);
    }

    #[test]
    fn a_pinned_command_runs_the_program_under_taskset() {
        let command = command(Path::new("/bin/true"), Some("1"));
        assert_eq!(command.get_program(), "taskset");
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, ["-c", "1", "/bin/true"]);
        assert_eq!(
            super::command(Path::new("/bin/true"), None).get_program(),
            "/bin/true"
        );
    }
}
