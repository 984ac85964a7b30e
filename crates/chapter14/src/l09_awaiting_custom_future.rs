//! Listing 14.9 — Awaiting the hand-written future; who wakes it.
//!
//! First as the book does it: a loop of our own polls the future (Python
//! calls `__await__().send(None)`), sets its value on the second turn, and
//! gets it on the third. Then under Tokio: a task `.await`s it and a timer
//! task sets it a second later. Tokio polls the future once, parks the task
//! (its waker is stored inside the future), and polls it again only after
//! `set_result` calls that waker: two polls, no busy loop.
//!
//! Run: cargo run -p chapter14 -- 14.9

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use shared_util::Ctx;

use crate::l08_custom_future::{CountingWaker, CustomFuture};

fn by_hand() {
    let future: CustomFuture<&str> = CustomFuture::default();
    let counter = Arc::new(CountingWaker::default());
    let waker = Waker::from(Arc::clone(&counter));
    let mut cx = Context::from_waker(&waker);
    let mut polled = future.clone();
    let mut i = 0;
    loop {
        println!("Checking future...");
        match Pin::new(&mut polled).poll(&mut cx) {
            Poll::Pending => {
                println!("Future is not done...");
                if i == 1 {
                    println!("Setting future value...");
                    future.set_result("Finished!");
                }
                i += 1;
            }
            Poll::Ready(value) => {
                println!("Value is: {value}");
                break;
            }
        }
    }
    let calls = counter.calls.load(Ordering::SeqCst);
    println!("{} polls, waker called {calls} time(s)", future.polls());
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    println!("--- polled by hand ---");
    by_hand();

    println!("--- awaited in a Tokio task ---");
    let future: CustomFuture<&str> = CustomFuture::default();
    let setter = future.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!("timer task: setting the future's value (this calls the stored waker)");
        setter.set_result("Finished!");
    });
    let value = shared_util::timed("future.await", future.clone()).await;
    println!("Value is: {value}");
    println!("Tokio polled the future {} times", future.polls());
    Ok(())
}
