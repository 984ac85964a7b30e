//! Listing 14.8 — A future written by hand: `poll`, `Poll::Pending`, a `Waker`.
//!
//! The book's `CustomFuture` has a result, a done flag and a callback. A
//! Rust future has no callbacks: whoever polls it passes a `Waker`, the
//! future keeps it while it is `Pending`, and `set_result` calls it once to
//! say "poll me again". Here `set_result` comes from another thread,
//! which is why the state sits behind `Arc<Mutex<..>>`. The counting waker
//! shows the waker is called exactly once, however often it was polled.
//!
//! Run: cargo run -p chapter14 -- 14.8

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use shared_util::Ctx;

/// What the future and whoever sets it share.
struct State<T> {
    result: Option<T>,
    /// The waker of the last poll that returned `Pending`.
    waker: Option<Waker>,
    polls: usize,
}

/// A future whose result is set from outside, by a clone of it.
pub struct CustomFuture<T> {
    state: Arc<Mutex<State<T>>>,
}

impl<T> Clone for CustomFuture<T> {
    fn clone(&self) -> Self {
        Self {
            state: Arc::clone(&self.state),
        }
    }
}

impl<T> Default for CustomFuture<T> {
    fn default() -> Self {
        let state = State {
            result: None,
            waker: None,
            polls: 0,
        };
        Self {
            state: Arc::new(Mutex::new(state)),
        }
    }
}

impl<T> CustomFuture<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().expect("no panics while locked")
    }

    /// Stores the result and wakes whoever is waiting, once.
    pub fn set_result(&self, result: T) {
        let waker = {
            let mut state = self.lock();
            state.result = Some(result);
            state.waker.take()
        };
        // Outside the lock: the waker may poll us straight away.
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    pub fn is_finished(&self) -> bool {
        self.lock().result.is_some()
    }

    /// How many times it has been polled.
    pub fn polls(&self) -> usize {
        self.lock().polls
    }
}

impl<T> Future for CustomFuture<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut state = self.lock();
        state.polls += 1;
        match state.result.take() {
            Some(result) => Poll::Ready(result),
            None => {
                // Keep only the newest waker: the task may have moved.
                state.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// A waker that counts its calls (and does nothing else).
#[derive(Default)]
pub struct CountingWaker {
    pub calls: AtomicUsize,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let future: CustomFuture<&str> = CustomFuture::default();
    let counter = Arc::new(CountingWaker::default());
    let waker = Waker::from(Arc::clone(&counter));
    let mut cx = Context::from_waker(&waker);
    let mut polled = future.clone();
    for _ in 0..2 {
        let state = Pin::new(&mut polled).poll(&mut cx);
        println!("poll: {state:?}, finished: {}", future.is_finished());
    }
    let setter = future.clone();
    std::thread::spawn(move || setter.set_result("Finished!"))
        .join()
        .expect("the setter does not panic");
    println!("another thread set the result");
    println!(
        "waker called {} time(s)",
        counter.calls.load(Ordering::SeqCst)
    );
    let state = Pin::new(&mut polled).poll(&mut cx);
    println!("poll: {state:?}, after {} polls", future.polls());
    println!(
        "waker called {} time(s)",
        counter.calls.load(Ordering::SeqCst)
    );
    Ok(())
}
