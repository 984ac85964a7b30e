//! Listing 1.3 — A second thread, and the thread count going up.
//!
//! `std::thread::spawn` starts a real OS thread, like `threading.Thread`.
//! The book counts threads while its hello thread may already have ended;
//! here the thread waits on a channel until the count is taken, so the
//! number printed is always one more than before, and `join` ends it.
//!
//! Run: cargo run -p chapter01 -- 1.3

use std::sync::mpsc;

use shared_util::Ctx;

use crate::threads::{current_thread_name, os_thread_count};

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let before = os_thread_count()?;
    println!("Before spawning: {before} thread(s)");

    let (said_hello, hello_said) = mpsc::channel();
    let (may_finish, finish) = mpsc::channel::<()>();
    let hello_thread = std::thread::Builder::new()
        .name("hello-thread".into())
        .spawn(move || {
            println!("Hello from thread {}!", current_thread_name());
            let _ = said_hello.send(());
            // Stay alive until main has counted us.
            let _ = finish.recv();
        })?;
    hello_said.recv()?;

    println!("Rust is currently running {} thread(s)", os_thread_count()?);
    println!("The current thread is {}", current_thread_name());

    drop(may_finish);
    hello_thread
        .join()
        .map_err(|_| anyhow::anyhow!("the hello thread panicked"))?;
    println!("After join: {} thread(s)", os_thread_count()?);
    Ok(())
}
