//! The runner's own tests, one executable: the command line as a user
//! meets it, run against the fixture chapter (`tests/fixture`, built as
//! the `fixture` binary) rather than against every chapter.

mod cli;
#[cfg(feature = "console")]
mod console;

/// The fixture chapter's binary.
pub const BIN: &str = env!("CARGO_BIN_EXE_fixture");
