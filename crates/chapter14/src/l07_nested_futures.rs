//! Listing 14.7 — Async fns calling async fns: one future nested in another.
//!
//! `meet_and_greet()` makes a future that, when polled, makes and polls
//! `say_hello()`'s future inside its own state, then `say_goodbye()`'s. The
//! book drives the coroutine with one `coro.send(None)` and gets
//! `StopIteration`; here one `poll` with a waker that does nothing returns
//! `Poll::Ready(())`. Nothing ran before that poll: futures are lazy.
//!
//! Run: cargo run -p chapter14 -- 14.7

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

use shared_util::Ctx;

async fn say_hello() {
    println!("Hello!");
}

async fn say_goodbye() {
    println!("Goodbye!");
}

async fn meet_and_greet() {
    say_hello().await;
    say_goodbye().await;
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let coro = meet_and_greet();
    println!("made the future: nothing printed yet");
    let mut coro = pin!(coro);
    // No event loop: we poll it ourselves, once, like coro.send(None).
    let mut cx = Context::from_waker(Waker::noop());
    let state = coro.as_mut().poll(&mut cx);
    println!("one poll returned {state:?} (Python: StopIteration)");
    Ok(())
}
