//! The integration tests of chapter02, in one executable with a module per
//! topic: one link instead of one per file keeps `cargo test --workspace`
//! quick and `target/` small.

mod compare;
mod listings;
mod walk;
