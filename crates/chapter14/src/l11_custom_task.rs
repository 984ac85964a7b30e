//! Listing 14.11 — A task written by hand: it polls its future whenever it is woken.
//!
//! The book's `CustomTask` sends into its coroutine and adds a done callback
//! to each future it yields. A Rust task is a boxed future plus a handle to
//! the ready queue; the task itself is the waker (`std::task::Wake`), and
//! waking it puts it back on the queue. While it waits, the only thing that
//! keeps it alive is the waker stored inside the future it waits on. No
//! `unsafe` anywhere: `Waker::from(Arc<Task>)` builds the waker.
//!
//! Run: cargo run -p chapter14 -- 14.11

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::task::{Context, Wake, Waker};

use shared_util::Ctx;

use crate::l08_custom_future::CustomFuture;

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

struct CustomTask {
    name: &'static str,
    /// `None` once it has finished.
    future: Mutex<Option<BoxFuture>>,
    /// Where waking puts it.
    queue: Sender<Arc<CustomTask>>,
    polls: AtomicUsize,
}

impl CustomTask {
    /// Makes the task and queues it for its first step (`create_task`).
    fn spawn(
        name: &'static str,
        future: impl Future<Output = ()> + Send + 'static,
        queue: &Sender<Arc<Self>>,
    ) -> Arc<Self> {
        let task = Arc::new(Self {
            name,
            future: Mutex::new(Some(Box::pin(future))),
            queue: queue.clone(),
            polls: AtomicUsize::new(0),
        });
        queue.send(Arc::clone(&task)).expect("the loop is running");
        task
    }

    /// Polls the future once, with this task as the waker.
    fn step(self: &Arc<Self>) {
        let mut slot = self.future.lock().expect("no panics while locked");
        let Some(future) = slot.as_mut() else { return };
        self.polls.fetch_add(1, Ordering::SeqCst);
        let waker = Waker::from(Arc::clone(self));
        if future
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_ready()
        {
            println!("  [{}] finished", self.name);
            *slot = None;
        }
    }
}

impl Wake for CustomTask {
    fn wake(self: Arc<Self>) {
        println!("  [{}] woken: back on the ready queue", self.name);
        let queue = self.queue.clone();
        let _ = queue.send(self);
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let (first, second, third) = (
        CustomFuture::default(),
        CustomFuture::default(),
        CustomFuture::default(),
    );
    let (queue, ready) = channel();

    let (a, b) = (first.clone(), second.clone());
    let task1 = CustomTask::spawn(
        "task 1",
        async move {
            println!("task 1: waiting for the first value");
            println!("task 1: got {}", a.await);
            println!("task 1: waiting for the second value");
            println!("task 1: got {}", b.await);
        },
        &queue,
    );
    let c = third.clone();
    let task2 = CustomTask::spawn(
        "task 2",
        async move {
            println!("task 2: waiting for a value");
            println!("task 2: got {}", c.await);
        },
        &queue,
    );

    // What the selector would report, one event each time the queue runs dry.
    let mut outside = vec![
        (&third, "three", "third"),
        (&second, "two", "second"),
        (&first, "one", "first"),
    ];
    loop {
        while let Ok(task) = ready.try_recv() {
            println!("loop: stepping {}", task.name);
            task.step();
        }
        let Some((future, value, name)) = outside.pop() else {
            break;
        };
        println!("loop: queue empty; the outside world sets the {name} future to {value:?}");
        future.set_result(value);
    }
    for task in [&task1, &task2] {
        println!(
            "{} was polled {} times",
            task.name,
            task.polls.load(Ordering::SeqCst)
        );
    }
    Ok(())
}
