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
//! - [`require`] — a test's outside program (PostgreSQL, chromium, tmux,
//!   redis-server) is here, or the test fails saying what to install;
//!   where it is missing outside CI, the test is reported *ignored*
//!   instead (see [`host_tools`]).

mod processes;
mod run;
mod server;
pub mod tmux;

/// Fails naming what to install unless `tool` is here. A test that
/// needs a tool carries `#[cfg_attr(not(has_KEY), ignore = "...")]` (its
/// crate's `build.rs` sets the cfg through [`host_tools::build_script`]),
/// so where the tool is missing cargo reports it *ignored* with the install
/// command; this check is for when it runs anyway (under CI, where nothing
/// is ignored, or with `--include-ignored`).
pub fn require(tool: Tool) {
    assert!(tool.found(), "this test needs {}", tool.missing());
}

/// The outside programs a test may need ([`require`]), and where they are.
pub use host_tools::{self, Tool};
/// The signals a test sends ([`ServerChild::signal`]).
pub use nix::sys::signal::Signal;
pub use processes::{
    Leftover, MARKER_VAR, assert_nothing_left, new_marker, processes_under, processes_with_marker,
    resident_bytes, run_temp_dir,
};
pub use run::{
    BOUND, Run, assert_lists_every_listing, assert_port_in_use_reported,
    assert_refuse_virtual_time, finish, run_bin, run_bin_with, run_ok,
};
pub use server::{
    SERVER_WAIT, ServerChild, assert_echo_survives_fd_exhaustion, connect_many, echo_round_trip,
    limit_fds, open_fds,
};
