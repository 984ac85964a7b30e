//! Listing 11.4 — Two tasks, one lock: the second waits in line.
//!
//! `a` takes the lock and sleeps inside the critical section; `b` asks for
//! the lock and waits until `a` lets go. `tokio::sync::Mutex` is asyncio's
//! `Lock`: waiting for it suspends the task, not the thread. Instead of
//! `async with lock:` the guard's scope is the critical section: dropping the
//! guard releases the lock, so a forgotten `release()` cannot happen.
//!
//! Run: cargo run -p chapter11 -- 11.4 --timeline

use shared_util::{Ctx, delay, span};
use tokio::sync::Mutex;

async fn a(lock: &Mutex<()>) {
    println!("Coroutine a waiting to acquire the lock");
    {
        let _guard = lock.lock().await;
        println!("Coroutine a is in the critical section");
        delay(2).await;
    }
    println!("Coroutine a released the lock");
}

async fn b(lock: &Mutex<()>) {
    println!("Coroutine b waiting to acquire the lock");
    {
        let _guard = lock.lock().await;
        println!("Coroutine b is in the critical section");
        delay(2).await;
    }
    println!("Coroutine b released the lock");
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let lock = Mutex::new(());
    // `span` records each coroutine for `--timeline`, silently.
    futures::join!(span("a()", a(&lock)), span("b()", b(&lock)));
    Ok(())
}
