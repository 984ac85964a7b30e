//! The integration tests of chapter10, in one executable with a module per
//! topic: one link instead of one per file keeps `cargo test --workspace`
//! quick and `target/` small.

mod all;
mod bff;
mod common;
mod listings;
mod runner;
