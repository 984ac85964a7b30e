//! The integration tests of chapter09, in one executable with a module per
//! topic: one link instead of one per file keeps `cargo test --workspace`
//! quick and `target/` small.

mod browser;
mod common;
mod limits;
mod rest;
mod runner;
mod views;
mod websocket;
