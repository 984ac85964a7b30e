//! The integration tests of chapter06, in one executable with a module per
//! topic: one link instead of one per file keeps `cargo test --workspace`
//! quick and `target/` small.

mod database;
mod interrupted;
mod listings;
