//! What the process can learn about itself: CPU time used, the
//! file-descriptor limit (and raising it), resident memory.
//!
//! Listings 3.6 and 3.7 print CPU time to show busy-waiting against a
//! selector; the `load` tool raises its descriptor limit and reports a
//! server's memory. The two calls into libc are the only `unsafe` in the
//! chapter; each says why it is sound.

use std::time::Duration;

/// CPU time (user + system) this process has used so far, over all threads.
pub fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // Safety: getrusage writes a complete rusage into the pointer it is given,
    // which points at a zeroed value of exactly that type that we own.
    #[allow(unsafe_code)]
    let (status, usage) = unsafe {
        let status = libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        (status, usage.assume_init())
    };
    if status != 0 {
        return Duration::ZERO;
    }
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

/// The soft and hard limits on open file descriptors (`ulimit -Sn`/`-Hn`).
#[allow(clippy::unnecessary_cast)] // rlim_t is u64 on Linux, not everywhere
pub fn fd_limits() -> std::io::Result<(u64, u64)> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // Safety: getrlimit only writes the rlimit we pass by exclusive reference.
    #[allow(unsafe_code)]
    let status = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    if status != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok((limit.rlim_cur as u64, limit.rlim_max as u64))
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

/// Raises the soft limit on open file descriptors to the hard limit (at
/// most `cap`), as `ulimit -n $(ulimit -Hn)` would. Children inherit it.
#[allow(clippy::unnecessary_cast)] // rlim_t is u64 on Linux, not everywhere
pub fn raise_fd_limit(cap: u64) -> std::io::Result<FdLimit> {
    let (before, hard) = fd_limits()?;
    let wanted = hard.min(cap).max(before);
    if wanted > before {
        let limit = libc::rlimit {
            rlim_cur: wanted as libc::rlim_t,
            rlim_max: hard as libc::rlim_t,
        };
        // Safety: setrlimit only reads the rlimit we pass; the values come
        // from getrlimit, with the soft limit kept at or below the hard one.
        #[allow(unsafe_code)]
        let status = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
        if status != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(FdLimit {
        before,
        now: fd_limits()?.0,
        hard,
    })
}

/// Resident memory of process `pid` in bytes, from `/proc/PID/status`
/// (Linux only; `None` elsewhere or when the process is gone).
pub fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_grows_with_work() {
        let before = cpu_time();
        shared_util::cpu::count_to(20_000_000);
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
    fn our_own_memory_is_visible() {
        assert!(resident_bytes(std::process::id()).unwrap() > 0);
    }
}
