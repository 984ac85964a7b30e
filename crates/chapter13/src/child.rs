//! What the chapter's listings share about child processes.
//!
//! Starting a command with an error that names it (and a word on what it
//! would have shown), the status code as asyncio reports it, SIGTERM (Tokio
//! only sends SIGKILL), a live-children counter for the peak, and the
//! Ctrl-C and SIGTERM path: kill every child, reap every child, then report.

use std::future::Future;
use std::os::unix::process::ExitStatusExt as _;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use tokio::process::{Child, Command};

/// Spawns `command`. When it cannot start (most often: not installed),
/// prints which command is missing and what it would have shown, and
/// fails with one line naming the command and the OS's reason.
pub fn start(command: &mut Command, shown: &str, would_have: &str) -> anyhow::Result<Child> {
    command.spawn().map_err(|error| {
        println!("`{shown}` could not start here, so nothing ran; it would have {would_have}.");
        anyhow!("could not start `{shown}`: {error}")
    })
}

/// The status code as asyncio prints it: the exit code, or minus the
/// signal number when a signal ended the child (`-15` for SIGTERM).
pub fn book_code(status: ExitStatus) -> i32 {
    status
        .code()
        .or_else(|| status.signal().map(|signal| -signal))
        .unwrap_or(i32::MIN)
}

/// Sends SIGTERM, what asyncio's `Process.terminate()` does. Tokio's
/// `Child::kill`/`start_kill` send SIGKILL, which a child cannot catch.
pub fn terminate(child: &Child) -> anyhow::Result<()> {
    let pid = child
        .id()
        .context("the child was already reaped, so it has no pid to signal")?;
    kill(Pid::from_raw(pid as i32), Signal::SIGTERM).context("could not send SIGTERM")?;
    Ok(())
}

/// How many children are alive right now (spawned, not yet reaped), and
/// the most there ever were at once.
#[derive(Debug, Default)]
pub struct LiveChildren {
    live: AtomicUsize,
    peak: AtomicUsize,
}

impl LiveChildren {
    /// Call right after a spawn succeeded.
    pub fn started(&self) {
        let now = self.live.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
    }

    /// Call right after the child was waited for.
    pub fn reaped(&self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
    }

    /// The most children alive at the same time.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// Runs `work` until it ends or Ctrl-C (SIGINT) or SIGTERM arrives. On a
/// signal, `work` is dropped — every child in it was spawned with
/// `kill_on_drop(true)`, so each gets SIGKILL — and then every child of
/// this process is reaped before the error is returned. A SIGTERM from
/// `kill` reaches only this process, not its children as Ctrl-C in a
/// terminal does, so without this its children would outlive it.
pub async fn interruptible<T>(work: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    use tokio::signal::unix::{SignalKind, signal};
    // The handlers are ours until this returns (see shared_util::signals).
    let _handling = shared_util::signals::handle();
    // Both installed before any child starts.
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let name = tokio::select! {
        biased;
        _ = interrupt.recv() => "Ctrl-C",
        _ = terminate.recv() => "SIGTERM",
        result = work => return result,
    };
    // `work` has been dropped here: the kills are sent.
    if reap_all(Duration::from_secs(2)).await {
        Err(anyhow!(
            "interrupted by {name}: every child was killed and reaped"
        ))
    } else {
        Err(anyhow!(
            "interrupted by {name}: a child was still alive 2 s after the kill"
        ))
    }
}

/// Reaps children of this process until none is left, or `bound` passes.
/// True when none is left.
pub async fn reap_all(bound: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + bound;
    loop {
        match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) if tokio::time::Instant::now() >= deadline => return false,
            Ok(WaitStatus::StillAlive) => tokio::time::sleep(Duration::from_millis(10)).await,
            Ok(_) | Err(Errno::EINTR) => {}
            // ECHILD: this process has no children left.
            Err(_) => return true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_read_like_asyncio() {
        assert_eq!(book_code(ExitStatus::from_raw(0)), 0);
        assert_eq!(book_code(ExitStatus::from_raw(3 << 8)), 3);
        assert_eq!(book_code(ExitStatus::from_raw(15)), -15);
    }

    #[test]
    fn the_peak_counts_children_alive_together() {
        let live = LiveChildren::default();
        live.started();
        live.started();
        live.reaped();
        live.started();
        live.reaped();
        live.reaped();
        assert_eq!(live.peak(), 2);
    }

    #[tokio::test]
    async fn a_missing_command_fails_with_its_name_and_the_os_reason() {
        let error = start(
            &mut Command::new("no-such-command-ch13"),
            "no-such-command-ch13 -x",
            "shown something",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "could not start `no-such-command-ch13 -x`: No such file or directory (os error 2)"
        );
    }
}
