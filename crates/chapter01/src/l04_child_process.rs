//! Listing 1.4 — A real child process.
//!
//! Python's `multiprocessing.Process` starts a new interpreter. Rust has no
//! interpreter to start, so the listing re-executes its own binary in a
//! hidden worker mode (`chapter01 __worker hello`): a separate process with
//! its own pid and memory, needing nothing installed. `wait` is `join`.
//!
//! Run: cargo run -p chapter01 -- 1.4

use shared_util::Ctx;
use shared_util::ctx::worker_command;

/// The child's whole program.
pub fn hello_from_process(_args: &[String]) -> anyhow::Result<()> {
    println!("Hello from child process {}", std::process::id());
    Ok(())
}

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut hello_process = worker_command("hello").spawn()?;

    println!("Hello from parent process {}", std::process::id());

    let status = hello_process.wait()?;
    anyhow::ensure!(status.success(), "the child process failed: {status}");
    println!("child process {} exited: {status}", hello_process.id());
    Ok(())
}
