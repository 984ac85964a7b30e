//! Child processes that cannot outlive the listing.
//!
//! Python's `multiprocessing` starts a new interpreter; a Rust program
//! re-executes its own binary in a hidden worker mode instead
//! (`chapter06 __worker NAME ...`). [`ChildProcess`] owns such a child and,
//! if it is dropped before being waited for (an error, a panic), kills and
//! reaps it. [`die_with_parent`] covers the case no destructor can: the
//! parent killed outright (SIGKILL, or Ctrl-C sent to it alone).

use std::process::{Child, Command, ExitStatus};

/// A child process that is killed and reaped when dropped.
#[derive(Debug)]
pub struct ChildProcess(Child);

impl ChildProcess {
    /// Starts `command`.
    pub fn spawn(command: &mut Command) -> anyhow::Result<Self> {
        Ok(Self(command.spawn()?))
    }

    /// The child's pid.
    pub fn id(&self) -> u32 {
        self.0.id()
    }

    /// The child's stdout, if it was piped (once).
    pub fn take_stdout(&mut self) -> Option<std::process::ChildStdout> {
        self.0.stdout.take()
    }

    /// Waits for the child to exit and fails unless it exited with 0.
    pub fn join(mut self) -> anyhow::Result<()> {
        let status: ExitStatus = self.0.wait()?;
        anyhow::ensure!(
            status.success(),
            "child process {} failed: {status}",
            self.0.id()
        );
        Ok(())
    }
}

impl Drop for ChildProcess {
    fn drop(&mut self) {
        // Already reaped by `join`? Then try_wait reports it and we are done.
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Called first thing in every worker: ask the kernel to SIGKILL this
/// process when its parent dies, so no worker lingers if the listing is
/// killed without a chance to run its destructors.
pub fn die_with_parent() {
    #[cfg(target_os = "linux")]
    {
        let _ = nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL);
        // The parent may have died before the line above ran.
        if nix::unistd::getppid() == nix::unistd::Pid::from_raw(1) {
            std::process::exit(1);
        }
    }
}
