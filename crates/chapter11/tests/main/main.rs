//! The integration tests of chapter11, in one executable with a module per
//! topic: one link instead of one per file keeps `cargo test --workspace`
//! quick and `target/` small.

mod listings;
mod runner;
mod upload_server;
