//! The integration tests of shared-util, in one executable with a module per
//! topic: one link instead of one per file keeps `cargo test --workspace`
//! quick and `target/` small.

mod async_timed;
mod debug_mode;
mod demo_server;
mod demo_server_bin;
mod timeline;
