//! The integration tests of chapter01, in one executable with a module per
//! topic: one link instead of one per file keeps `cargo test --workspace`
//! quick and `target/` small.

mod listings;
