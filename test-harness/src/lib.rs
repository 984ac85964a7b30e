//! Running a chapter binary from an integration test, with a time bound.
//!
//! Every chapter tests its listings the way a user runs them: the real
//! binary, real flags, stdout and stderr captured. Nothing here waits
//! without a bound, so a listing that hangs fails its test instead of
//! hanging the suite.
//!
//! - [`run_bin`], [`run_ok`], [`finish`] — run a binary to the end
//!   (killed after [`BOUND`]) and keep what it printed as a [`Run`];
//!   [`assert_lists_every_listing`] checks a chapter's `list --json`.
//! - [`ServerChild`] — a server listing as a child process on a free port,
//!   driven over real TCP, optionally under a low descriptor limit
//!   ([`ServerChild::start_with_fd_limit`]), with its open descriptors and
//!   memory readable from `/proc`.
//! - [`processes_with_marker`] — the process table: whatever a run
//!   started ([`MARKER_VAR`], [`new_marker`]) and left alive;
//!   [`processes_under`] — whatever still runs inside a directory.
//! - [`tmux`] — a full-screen app in a real terminal, off-screen.
//! - [`needs_postgres`] — whether a database test can run here: skipped
//!   with a note without PostgreSQL, a failure under CI.

mod processes;
mod run;
mod server;
pub mod tmux;

/// Whether PostgreSQL's server programs are installed, for a test that
/// needs the demo database. Without them the test should return at once:
/// this prints `skipped TEST: ...` naming what to install. Under CI (`CI`
/// set) a missing PostgreSQL is a failure instead, so CI cannot pass by
/// skipping.
pub fn needs_postgres(test: &str) -> bool {
    use shared_util::demo_db::{NO_POSTGRES, server_programs};
    if server_programs().is_some() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI needs PostgreSQL for {test}: {NO_POSTGRES}"
    );
    eprintln!("skipped {test}: {NO_POSTGRES}");
    false
}

/// The signals a test sends ([`ServerChild::signal`]).
pub use nix::sys::signal::Signal;
pub use processes::{
    Leftover, MARKER_VAR, assert_nothing_left, new_marker, processes_under, processes_with_marker,
    run_temp_dir,
};
pub use run::{
    BOUND, Run, assert_lists_every_listing, assert_port_in_use_reported,
    assert_refuse_virtual_time, finish, run_bin, run_bin_with, run_ok,
};
pub use server::{
    SERVER_WAIT, ServerChild, assert_echo_survives_fd_exhaustion, connect_many, echo_round_trip,
    limit_fds, open_fds,
};
