//! Listing 1.2 — This process, its threads, the current thread.
//!
//! Python answers from its own bookkeeping (`threading.active_count()`);
//! here the operating system answers: the pid is the kernel's, and the
//! thread count is the `Threads:` line of `/proc/self/status`. A Rust
//! program starts with one thread, named `main`.
//!
//! Run: cargo run -p chapter01 -- 1.2

use shared_util::Ctx;

use crate::threads::{current_thread_name, os_thread_count};

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    println!(
        "Rust process running with process id: {}",
        std::process::id()
    );
    println!("Rust is currently running {} thread(s)", os_thread_count()?);
    println!("The current thread is {}", current_thread_name());
    Ok(())
}
