//! Listing 2.14 — A future made by hand.
//!
//! asyncio's `Future` is a box for a value that arrives later. Rust has no
//! such type in its standard library: `Future` is a trait with one method,
//! `poll`, which answers `Ready(value)` or `Pending` — and before answering
//! `Pending` stores a `Waker` so it can ask to be polled again. Here is a
//! settable future written out by hand (in real code, a `oneshot` channel
//! is this type: listing 2.15).
//!
//! Run: cargo run -p chapter02 -- 2.14

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use shared_util::Ctx;

#[derive(Default)]
struct Slot {
    result: Option<i32>,
    waker: Option<Waker>,
}

/// A value set once with `set_result`, read with `result` or `.await`.
#[derive(Clone, Default)]
struct MyFuture {
    slot: Arc<Mutex<Slot>>,
}

impl MyFuture {
    fn done(&self) -> bool {
        self.slot.lock().unwrap().result.is_some()
    }

    fn set_result(&self, value: i32) {
        let mut slot = self.slot.lock().unwrap();
        slot.result = Some(value);
        // Whoever awaited us asked to be woken: do it.
        if let Some(waker) = slot.waker.take() {
            waker.wake();
        }
    }

    /// The value; asking before it is set is an error, as in asyncio
    /// (`InvalidStateError`).
    fn result(&self) -> anyhow::Result<i32> {
        self.slot
            .lock()
            .unwrap()
            .result
            .ok_or_else(|| anyhow::anyhow!("invalid state: the result is not set yet"))
    }
}

impl Future for MyFuture {
    type Output = i32;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<i32> {
        let mut slot = self.slot.lock().unwrap();
        match slot.result {
            Some(value) => Poll::Ready(value),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let my_future = MyFuture::default();
    println!("Is my_future done? {}", my_future.done());

    my_future.set_result(42);

    println!("Is my_future done? {}", my_future.done());
    println!("What is the result of my_future? {}", my_future.result()?);
    println!("Awaiting it gives {}", my_future.await);
    Ok(())
}
