//! What a process can learn about itself: CPU time used, resident memory,
//! and the limit on open file descriptors (and raising it).
//!
//! Listings print CPU time to tell busy-waiting from sleeping (chapter 3),
//! load generators raise their descriptor limit before opening thousands of
//! sockets, and timing tables report memory. Everything goes through nix's
//! safe wrappers; memory comes from `/proc` (Linux).

use std::time::Duration;

use nix::sys::resource::{Resource, UsageWho, getrlimit, getrusage, setrlimit};
use nix::sys::time::TimeValLike as _;

/// CPU time (user + system) this process has used so far, over all threads.
///
/// ```
/// let before = shared_util::sys::cpu_time();
/// shared_util::cpu::count_to(5_000_000);
/// assert!(shared_util::sys::cpu_time() >= before);
/// ```
pub fn cpu_time() -> Duration {
    usage_of(UsageWho::RUSAGE_SELF)
}

/// CPU time (user + system) used by this process's children that have
/// been waited for.
pub fn children_cpu_time() -> Duration {
    usage_of(UsageWho::RUSAGE_CHILDREN)
}

fn usage_of(who: UsageWho) -> Duration {
    match getrusage(who) {
        Ok(usage) => {
            let micros =
                usage.user_time().num_microseconds() + usage.system_time().num_microseconds();
            Duration::from_micros(u64::try_from(micros).unwrap_or(0))
        }
        Err(_) => Duration::ZERO,
    }
}

/// CPU time (user + system, every thread) used so far by process `pid`,
/// from `/proc/PID/stat` (Linux only; `None` elsewhere or when the process
/// is gone). Lets a parent measure a child it has not waited for, such as
/// a server under load.
pub fn cpu_time_of(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; fields after it are plain.
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 1..)?
        .split_whitespace()
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let per_second = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .and_then(|t| u64::try_from(t).ok())
        .filter(|&t| t > 0)?;
    Some(Duration::from_micros(ticks * 1_000_000 / per_second))
}

/// CPU time of process `pid` and every live process under it (Linux:
/// `/proc`): a server that forks workers is measured whole.
pub fn cpu_time_of_tree(pid: u32) -> Duration {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return cpu_time_of(pid).unwrap_or_default();
    };
    // Every process's parent, read once.
    let parents: Vec<(u32, u32)> = entries
        .flatten()
        .filter_map(|entry| {
            let child: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            let parent = stat
                .get(stat.rfind(')')? + 2..)?
                .split_whitespace()
                .nth(1)?;
            Some((child, parent.parse().ok()?))
        })
        .collect();
    let mut tree = vec![pid];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        i += 1;
    }
    tree.iter().filter_map(|p| cpu_time_of(*p)).sum()
}

/// The soft and hard limits on open file descriptors (`ulimit -Sn`/`-Hn`).
pub fn fd_limits() -> std::io::Result<(u64, u64)> {
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).map_err(std::io::Error::from)?;
    Ok((soft, hard))
}

/// What [`raise_fd_limit`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdLimit {
    /// The soft limit before.
    pub before: u64,
    /// The soft limit now.
    pub now: u64,
    /// The hard limit: the ceiling an unprivileged process may raise to.
    pub hard: u64,
}

/// Raises the soft limit on open file descriptors towards the hard limit
/// (at most `cap`), as `ulimit -n` would; never lowers it. Children inherit
/// the new limit.
pub fn raise_fd_limit(cap: u64) -> std::io::Result<FdLimit> {
    let (before, hard) = fd_limits()?;
    let wanted = hard.min(cap).max(before);
    if wanted > before {
        setrlimit(Resource::RLIMIT_NOFILE, wanted, hard).map_err(std::io::Error::from)?;
    }
    Ok(FdLimit {
        before,
        now: fd_limits()?.0,
        hard,
    })
}

/// Bytes of memory the system can still give (Linux's `MemAvailable`);
/// `None` where it cannot be read.
pub fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// Every CPU of the machine together, as time spent busy and time in all,
/// since boot: the first line of `/proc/stat` (Linux only). Two readings
/// apart give how busy the machine was between them, whoever kept it busy.
pub fn machine_cpu() -> Option<(Duration, Duration)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is inside user).
    let total: u64 = ticks.iter().take(8).sum();
    let idle = ticks.get(3)? + ticks.get(4).unwrap_or(&0);
    let per_second = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .and_then(|t| u64::try_from(t).ok())
        .filter(|&t| t > 0)?;
    let time = |ticks: u64| Duration::from_micros(ticks * 1_000_000 / per_second);
    Some((time(total - idle), time(total)))
}

/// Resident memory of process `pid` in bytes, from `/proc/PID/status`
/// (Linux only; `None` elsewhere or when the process is gone).
pub fn resident_bytes(pid: u32) -> Option<u64> {
    proc_status_kib(pid, "VmRSS:").map(|kib| kib * 1024)
}

/// Peak resident memory of process `pid` in bytes (`VmHWM`), Linux only.
pub fn peak_resident_bytes(pid: u32) -> Option<u64> {
    proc_status_kib(pid, "VmHWM:").map(|kib| kib * 1024)
}

fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machine_is_busy_part_of_the_time() {
        if let Some((busy, total)) = machine_cpu() {
            assert!(busy <= total && !total.is_zero());
        }
    }

    #[test]
    fn cpu_time_grows_with_work() {
        let before = cpu_time();
        crate::cpu::count_to(20_000_000);
        assert!(cpu_time() > before);
    }

    #[test]
    fn limits_are_readable_and_raising_never_lowers() {
        let (soft, hard) = fd_limits().unwrap();
        assert!(soft <= hard);
        let raised = raise_fd_limit(soft).unwrap();
        assert_eq!(raised.now, soft);
    }

    #[test]
    fn another_process_cpu_time_is_readable() {
        crate::cpu::count_to(50_000_000);
        let before = cpu_time();
        let seen = cpu_time_of(std::process::id()).unwrap();
        let after = cpu_time();
        // /proc counts whole clock ticks (usually 10 ms): allow two.
        let slack = Duration::from_millis(20);
        assert!(seen + slack >= before, "{seen:?} vs {before:?}");
        assert!(seen <= after + slack, "{seen:?} vs {after:?}");
        assert_eq!(cpu_time_of(u32::MAX), None);
    }

    #[test]
    fn available_memory_is_some_and_below_a_petabyte() {
        let available = available_memory().unwrap();
        assert!(available > 0 && available < 1 << 50, "{available}");
    }

    #[test]
    fn our_own_memory_is_visible() {
        let pid = std::process::id();
        assert!(resident_bytes(pid).unwrap() > 0);
        assert!(peak_resident_bytes(pid).unwrap() >= resident_bytes(pid).unwrap() / 2);
    }
}
