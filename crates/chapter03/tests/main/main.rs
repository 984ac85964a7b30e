//! The integration tests of chapter03, in one executable with a module per
//! topic: one link instead of one per file keeps `cargo test --workspace`
//! quick and `target/` small.

mod blocking;
mod common;
mod echo;
mod runner;
