//! The integration tests of chapter13, in one executable with a module per
//! topic: one link instead of one per file keeps `cargo test --workspace`
//! quick and `target/` small.

mod common;
mod listings;
mod runner;
