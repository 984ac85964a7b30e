//! Listing 14.5 — What the compiler builds from an `async fn`: a state machine.
//!
//! The book shows that a coroutine is a generator underneath (`yield from
//! asyncio.sleep(1)`). Rust has no stable generators to show; what an `async
//! fn` becomes is an enum with one variant per `.await` point, holding the
//! locals alive there, and a `poll` that advances it. [`Coroutine`] is that
//! enum written by hand for `coroutine()` below; both run and print the same
//! lines, and the hand-written one also says what each `poll` did.
//!
//! Run: cargo run -p chapter14 -- 14.5

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use shared_util::Ctx;
use tokio::time::Sleep;

/// The async fn, as we would write it.
async fn coroutine() {
    println!("Sleeping!");
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!("Finished!");
}

/// The same function as the compiler sees it: where it is, and what it holds there.
enum Coroutine {
    /// Not started: the code before the first `.await` has not run.
    Start,
    /// Suspended at `sleep(1).await`, holding the sleep future.
    Sleeping(Pin<Box<Sleep>>),
    /// Returned; polling again is a bug.
    Done,
}

impl Future for Coroutine {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            match &mut *self {
                Coroutine::Start => {
                    println!("  [poll] state Start: run up to the first await");
                    println!("Sleeping!");
                    *self =
                        Coroutine::Sleeping(Box::pin(tokio::time::sleep(Duration::from_secs(1))));
                }
                Coroutine::Sleeping(sleep) => {
                    if sleep.as_mut().poll(cx).is_pending() {
                        println!("  [poll] state Sleeping: the sleep is not over, return Pending");
                        return Poll::Pending; // the sleep keeps our waker
                    }
                    println!("  [poll] state Sleeping: the sleep is over, run to the end");
                    println!("Finished!");
                    *self = Coroutine::Done;
                    return Poll::Ready(());
                }
                Coroutine::Done => panic!("a finished future was polled again"),
            }
        }
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    println!("--- the async fn ---");
    shared_util::timed("coroutine()", coroutine()).await;
    println!("--- the state machine written by hand ---");
    shared_util::timed("Coroutine::Start", Coroutine::Start).await;
    Ok(())
}
