//! Why a run stops with a non-zero exit code.

/// Why the runner stops with a non-zero exit code.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The user's mistake: exit code 2.
    Usage(String),
    /// A listing failed: exit code 1.
    Listing(anyhow::Error),
    /// The user's SIGINT or SIGTERM, handled by a listing, stopped `all` or
    /// `walk`: exit code 128 + the signal's number, as a shell reports it.
    Interrupted(nix::sys::signal::Signal),
}

/// An error and its causes on one line, `listing 3.8 failed: port 8000 ...`,
/// without a backtrace (anyhow's `{:?}` adds one whenever RUST_BACKTRACE is
/// set).
pub(crate) fn error_chain(error: &anyhow::Error) -> String {
    format!("{error:#}")
}
