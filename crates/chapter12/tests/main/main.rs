//! The integration tests of chapter12, in one executable with a module per
//! topic: one link instead of one per file keeps `cargo test --workspace`
//! quick and `target/` small.

mod broker;
mod crawl;
mod listings;
mod order_app;
mod runner;
