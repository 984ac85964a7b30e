//! The integration tests of chapter05, in one executable with a module per
//! topic: one link instead of one per file keeps `cargo test --workspace`
//! quick and `target/` small.

mod demo_database;
mod listings;
mod runner;
