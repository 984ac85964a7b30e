//! asyncio's queues on Tokio: [`Queue`], [`PriorityQueue`] and [`LifoQueue`],
//! with `task_done` and `join`.
//!
//! Tokio's channels (`mpsc`, `async-channel`, ...) move items from
//! producers to consumers, but none of them can say "every item taken out
//! has also been *finished*", which is what `asyncio.Queue.join` waits for
//! and what the book's programs end on. No well-kept crate adds it either,
//! and the type is small, so the chapter builds it from Tokio's primitives:
//!
//! - a `std::sync::Mutex` around the items (a [`Store`]: a `VecDeque` for
//!   first-in first-out, a `BinaryHeap` for priority, a `Vec` for LIFO) and
//!   the count of unfinished items. It is never held across an `.await`;
//! - a [`Semaphore`] with one permit per item in the store: [`Queue::get`]
//!   waits for a permit, then pops;
//! - for a bounded queue, a second [`Semaphore`] with one permit per free
//!   place: [`Queue::put`] waits for one, then pushes. That is "a producer
//!   waits while the queue is full";
//! - a [`Notify`] that [`Queue::task_done`] fires when the unfinished count
//!   reaches zero, which is what [`Queue::join`] waits on.
//!
//! Why semaphores rather than "wake a getter when an item arrives": a
//! permit cannot be lost. A getter that is cancelled (dropped) while it
//! waits simply never takes its permit, so the item stays for the next
//! getter; waiting getters are served in the order they arrived, as in
//! asyncio; and no getter ever wakes to find the queue empty. `join`
//! registers with its `Notify` *before* it looks at the count, so a
//! `task_done` between the look and the wait cannot be missed.
//!
//! The names and the errors are asyncio's: `put_nowait` on a full queue
//! gives the item back in [`QueueFull`], `get_nowait` on an empty one is
//! [`QueueEmpty`], and one `task_done` too many is a [`TaskDoneError`]
//! (asyncio raises `ValueError`), never a silent wrap-around.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use chapter12::queue::{PriorityQueue, Queue};
//!
//! let queue: Queue<&str> = Queue::new(2); // at most 2 items waiting
//! queue.put("first").await;
//! queue.put_nowait("second").unwrap();
//! assert!(queue.put_nowait("third").is_err()); // full
//! assert_eq!(queue.get().await, "first");
//! queue.task_done().unwrap();
//! assert_eq!(queue.get_nowait().unwrap(), "second");
//! queue.task_done().unwrap();
//! queue.join().await; // every item taken out and finished
//!
//! let priorities = PriorityQueue::new(0); // 0: no bound, as in asyncio
//! priorities.put_nowait((3, "low")).unwrap();
//! priorities.put_nowait((1, "high")).unwrap();
//! assert_eq!(priorities.get_nowait().unwrap(), (1, "high")); // smallest first
//! # }
//! ```

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::marker::PhantomData;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::{Notify, Semaphore};

/// Where a queue keeps its items; the order it gives them back in is the
/// only difference between [`Queue`], [`PriorityQueue`] and [`LifoQueue`].
pub trait Store<T>: Default {
    /// Adds an item.
    fn push(&mut self, item: T);
    /// Takes the next item out, if there is one.
    fn pop(&mut self) -> Option<T>;
    /// How many items it holds.
    fn len(&self) -> usize;
    /// Whether it holds none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// First in, first out (`asyncio.Queue`).
#[derive(Debug)]
pub struct Fifo<T>(VecDeque<T>);

/// Smallest first (`asyncio.PriorityQueue`): a min-heap, Rust's max-heap
/// `BinaryHeap` turned round with [`Reverse`]. Equal items come out in no
/// particular order.
#[derive(Debug)]
pub struct Priority<T: Ord>(BinaryHeap<Reverse<T>>);

/// Last in, first out (`asyncio.LifoQueue`): a stack.
#[derive(Debug)]
pub struct Lifo<T>(Vec<T>);

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Self(VecDeque::new())
    }
}

impl<T: Ord> Default for Priority<T> {
    fn default() -> Self {
        Self(BinaryHeap::new())
    }
}

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> Store<T> for Fifo<T> {
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> Store<T> for Priority<T> {
    fn push(&mut self, item: T) {
        self.0.push(Reverse(item));
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop().map(|Reverse(item)| item)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> Store<T> for Lifo<T> {
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// `asyncio.PriorityQueue`: the smallest item (by `Ord`) comes out first.
pub type PriorityQueue<T> = Queue<T, Priority<T>>;

/// `asyncio.LifoQueue`: the item put last comes out first.
pub type LifoQueue<T> = Queue<T, Lifo<T>>;

/// An async queue with asyncio's interface; see the [module docs](self).
/// Share it between tasks with an `Arc`.
#[derive(Debug)]
pub struct Queue<T, S = Fifo<T>> {
    /// The items and the unfinished count, changed together.
    state: Mutex<State<S>>,
    /// One permit per item in the store: what `get` waits for.
    items: Semaphore,
    /// One permit per free place, so `put` waits while the queue is full;
    /// `None` for an unbounded queue.
    places: Option<Semaphore>,
    /// Fired when the last unfinished item is marked done; `join` waits on it.
    all_done: Notify,
    /// The bound given to `new` (0 for none), for `maxsize` and `full`.
    maxsize: usize,
    /// The item type lives in `S`; this ties `T` to the queue for the
    /// compiler without owning a `T`.
    item: PhantomData<fn(T) -> T>,
}

#[derive(Debug)]
struct State<S> {
    items: S,
    /// Items put and not yet marked done: they may have been taken out
    /// already, but a worker is still busy with them.
    unfinished: usize,
}

/// `put_nowait` on a full queue; holds the item that did not fit.
#[derive(Debug, PartialEq, Eq)]
pub struct QueueFull<T>(pub T);

/// `get_nowait` on an empty queue.
#[derive(Debug, PartialEq, Eq)]
pub struct QueueEmpty;

/// `task_done` called more often than items were put.
#[derive(Debug, PartialEq, Eq)]
pub struct TaskDoneError;

impl<T> std::fmt::Display for QueueFull<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the queue is full")
    }
}

impl std::fmt::Display for QueueEmpty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the queue is empty")
    }
}

impl std::fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("task_done() called too many times")
    }
}

impl<T: std::fmt::Debug> std::error::Error for QueueFull<T> {}
impl std::error::Error for QueueEmpty {}
impl std::error::Error for TaskDoneError {}

impl<T, S: Store<T>> Default for Queue<T, S> {
    /// An unbounded queue.
    fn default() -> Self {
        Self::new(0)
    }
}

impl<T, S: Store<T>> Queue<T, S> {
    /// A queue that holds at most `maxsize` items; 0 means no bound, as in
    /// asyncio.
    pub fn new(maxsize: usize) -> Self {
        Self {
            state: Mutex::new(State {
                items: S::default(),
                unfinished: 0,
            }),
            items: Semaphore::new(0),
            places: (maxsize > 0).then(|| Semaphore::new(maxsize)),
            all_done: Notify::new(),
            maxsize,
            item: PhantomData,
        }
    }

    /// Puts `item` in, waiting while the queue is full. Cancel-safe: if
    /// the future is dropped before it finishes, the item was not put.
    pub async fn put(&self, item: T) {
        if let Some(places) = &self.places {
            // The semaphore is never closed, so acquiring cannot fail.
            places.acquire().await.expect("never closed").forget();
        }
        self.push(item);
    }

    /// Puts `item` in if there is room; otherwise gives it back.
    pub fn put_nowait(&self, item: T) -> Result<(), QueueFull<T>> {
        if let Some(places) = &self.places {
            match places.try_acquire() {
                Ok(place) => place.forget(),
                Err(_) => return Err(QueueFull(item)),
            }
        }
        self.push(item);
        Ok(())
    }

    /// Takes the next item out, waiting while the queue is empty.
    /// Cancel-safe: a dropped `get` takes nothing.
    pub async fn get(&self) -> T {
        self.items.acquire().await.expect("never closed").forget();
        self.pop()
    }

    /// Takes the next item out if there is one.
    pub fn get_nowait(&self) -> Result<T, QueueEmpty> {
        match self.items.try_acquire() {
            Ok(item) => item.forget(),
            Err(_) => return Err(QueueEmpty),
        }
        Ok(self.pop())
    }

    /// Marks one item taken out earlier as finished. When every item put
    /// so far is finished, every `join` returns.
    pub fn task_done(&self) -> Result<(), TaskDoneError> {
        let mut state = self.lock();
        if state.unfinished == 0 {
            return Err(TaskDoneError);
        }
        state.unfinished -= 1;
        if state.unfinished == 0 {
            self.all_done.notify_waiters();
        }
        Ok(())
    }

    /// Waits until every item put so far has been taken out and marked
    /// finished with [`task_done`](Self::task_done). Returns at once when
    /// nothing is unfinished.
    pub async fn join(&self) {
        loop {
            // Register first, then look: a `task_done` that lands between
            // the look and the wait still wakes this `join`.
            let notified = self.all_done.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if self.lock().unfinished == 0 {
                return;
            }
            notified.await;
        }
    }

    /// How many items are waiting in the queue (`qsize`).
    pub fn qsize(&self) -> usize {
        self.lock().items.len()
    }

    /// Whether no item is waiting.
    pub fn empty(&self) -> bool {
        self.lock().items.is_empty()
    }

    /// Whether a bounded queue holds `maxsize` items.
    pub fn full(&self) -> bool {
        self.maxsize > 0 && self.qsize() >= self.maxsize
    }

    /// The bound given to [`new`](Self::new), 0 for none.
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    /// How many items were put and are not yet marked finished.
    pub fn unfinished(&self) -> usize {
        self.lock().unfinished
    }

    /// Stores the item (its place is already taken), then lets a getter in.
    fn push(&self, item: T) {
        {
            let mut state = self.lock();
            state.items.push(item);
            state.unfinished += 1;
        }
        self.items.add_permits(1);
    }

    /// Takes an item out (its permit is already taken), then frees a place.
    fn pop(&self) -> T {
        let item = self
            .lock()
            .items
            .pop()
            .expect("every item permit stands for an item in the store");
        if let Some(places) = &self.places {
            places.add_permits(1);
        }
        item
    }

    fn lock(&self) -> MutexGuard<'_, State<S>> {
        // A panic in a user's `Ord` while the lock was held leaves the
        // store as it was before that call; carry on with it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    /// Whether `future` is still pending after every ready task ran (on a
    /// paused clock, the runtime jumps the 1 s at once).
    async fn still_waiting(future: impl std::future::Future) -> bool {
        tokio::time::timeout(Duration::from_secs(1), future)
            .await
            .is_err()
    }

    #[tokio::test]
    async fn each_kind_gives_items_back_in_its_order() {
        let fifo: Queue<u32> = Queue::new(0);
        let lifo: LifoQueue<u32> = LifoQueue::new(0);
        let priority: PriorityQueue<u32> = PriorityQueue::new(0);
        for n in [2, 3, 1] {
            fifo.put(n).await;
            lifo.put(n).await;
            priority.put(n).await;
        }
        let drain = |get: &dyn Fn() -> Result<u32, QueueEmpty>| {
            std::iter::from_fn(|| get().ok()).collect::<Vec<_>>()
        };
        assert_eq!(drain(&|| fifo.get_nowait()), [2, 3, 1]);
        assert_eq!(drain(&|| lifo.get_nowait()), [1, 3, 2]);
        assert_eq!(drain(&|| priority.get_nowait()), [1, 2, 3]);
        assert_eq!(fifo.get_nowait(), Err(QueueEmpty));
    }

    #[tokio::test(start_paused = true)]
    async fn a_producer_waits_while_a_bounded_queue_is_full() {
        let queue: Arc<Queue<u32>> = Arc::new(Queue::new(2));
        queue.put(1).await;
        queue.put(2).await;
        assert!(queue.full());
        assert_eq!(
            queue.put_nowait(3),
            Err(QueueFull(3)),
            "the item comes back"
        );
        // A third put waits...
        let producer = tokio::spawn({
            let queue = queue.clone();
            async move { queue.put(3).await }
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(!producer.is_finished(), "put did not wait for room");
        assert_eq!(queue.qsize(), 2);
        // ...until a get makes room.
        assert_eq!(queue.get().await, 1);
        producer.await.unwrap();
        assert_eq!(queue.qsize(), 2);
        assert_eq!(queue.get_nowait(), Ok(2));
        assert_eq!(queue.get_nowait(), Ok(3));
        // Room again: a put returns at once.
        assert!(!still_waiting(queue.put(4)).await);
    }

    #[tokio::test(start_paused = true)]
    async fn join_returns_only_after_every_item_is_marked_done() {
        let queue: Queue<u32> = Queue::new(0);
        queue.join().await; // nothing put: returns at once
        for n in 0..3 {
            queue.put(n).await;
        }
        assert!(still_waiting(queue.join()).await, "nothing taken out yet");
        for _ in 0..3 {
            queue.get().await;
        }
        assert!(still_waiting(queue.join()).await, "taken out is not done");
        queue.task_done().unwrap();
        queue.task_done().unwrap();
        assert!(still_waiting(queue.join()).await, "one item is unfinished");
        assert_eq!(queue.unfinished(), 1);
        queue.task_done().unwrap();
        assert!(!still_waiting(queue.join()).await);
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiting_join_wakes_when_the_last_item_is_done() {
        let queue: Arc<Queue<u32>> = Arc::new(Queue::new(0));
        queue.put(1).await;
        let joiners: Vec<_> = (0..3)
            .map(|_| {
                let queue = queue.clone();
                tokio::spawn(async move { queue.join().await })
            })
            .collect();
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(joiners.iter().all(|j| !j.is_finished()));
        queue.get().await;
        queue.task_done().unwrap();
        for joiner in joiners {
            tokio::time::timeout(Duration::from_secs(1), joiner)
                .await
                .expect("a join missed the last task_done")
                .unwrap();
        }
    }

    #[tokio::test]
    async fn task_done_too_often_is_an_error_not_a_wrap_around() {
        let queue: Queue<u32> = Queue::new(0);
        assert_eq!(queue.task_done(), Err(TaskDoneError));
        queue.put(1).await;
        queue.get().await;
        assert_eq!(queue.task_done(), Ok(()));
        assert_eq!(queue.task_done(), Err(TaskDoneError));
        assert_eq!(
            TaskDoneError.to_string(),
            "task_done() called too many times"
        );
        assert_eq!(queue.unfinished(), 0);
        queue.join().await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_get_takes_nothing_and_loses_no_wake_up() {
        let queue: Arc<Queue<u32>> = Arc::new(Queue::new(0));
        // A getter gives up (its future is dropped) while waiting.
        assert!(still_waiting(queue.get()).await);
        // Another getter waits; the item must reach it, not the dropped one.
        let getter = tokio::spawn({
            let queue = queue.clone();
            async move { queue.get().await }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        queue.put(7).await;
        let got = tokio::time::timeout(Duration::from_secs(1), getter)
            .await
            .expect("the put's wake-up was lost");
        assert_eq!(got.unwrap(), 7);
        assert!(queue.empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_put_puts_nothing() {
        let queue: Queue<u32> = Queue::new(1);
        queue.put(1).await;
        assert!(still_waiting(queue.put(2)).await);
        assert_eq!(queue.unfinished(), 1);
        assert_eq!(queue.get_nowait(), Ok(1));
        assert_eq!(queue.get_nowait(), Err(QueueEmpty));
        // The dropped put gave its place back.
        assert_eq!(queue.put_nowait(3), Ok(()));
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_getters_are_served_in_arrival_order() {
        let queue: Arc<Queue<u32>> = Arc::new(Queue::new(0));
        let order = Arc::new(Mutex::new(Vec::new()));
        let getters: Vec<_> = (0..4)
            .map(|id| {
                let (queue, order) = (queue.clone(), order.clone());
                tokio::spawn(async move {
                    let item = queue.get().await;
                    order.lock().unwrap().push((id, item));
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(10)).await;
        for item in 10..14 {
            queue.put(item).await;
        }
        for getter in getters {
            getter.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [(0, 10), (1, 11), (2, 12), (3, 13)]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn stress_no_item_lost_or_doubled_across_threads() {
        // 4 producers put 20 000 numbers through a queue of 8 places; 4
        // consumers take them out, some of their gets cancelled by a short
        // timeout on the way. Every number arrives exactly once and join
        // returns; all bounded, so a lost wake-up fails instead of hanging.
        const PRODUCERS: u32 = 4;
        const EACH: u32 = 5_000;
        let queue: Arc<Queue<u32>> = Arc::new(Queue::new(8));
        let seen: Arc<Vec<AtomicUsize>> =
            Arc::new((0..PRODUCERS * EACH).map(|_| AtomicUsize::new(0)).collect());
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let queue = queue.clone();
                tokio::spawn(async move {
                    for n in p * EACH..(p + 1) * EACH {
                        queue.put(n).await;
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..4)
            .map(|_| {
                let (queue, seen) = (queue.clone(), seen.clone());
                tokio::spawn(async move {
                    loop {
                        let got =
                            tokio::time::timeout(Duration::from_micros(50), queue.get()).await;
                        if let Ok(n) = got {
                            seen[n as usize].fetch_add(1, Ordering::SeqCst);
                            queue.task_done().unwrap();
                        }
                    }
                })
            })
            .collect();
        let everything = async {
            for producer in producers {
                producer.await.unwrap();
            }
            queue.join().await;
        };
        tokio::time::timeout(Duration::from_secs(60), everything)
            .await
            .expect("lost wake-up: the items did not all get through in 60 s");
        for consumer in consumers {
            consumer.abort();
        }
        assert!(seen.iter().all(|n| n.load(Ordering::SeqCst) == 1));
        assert_eq!(queue.qsize(), 0);
        assert_eq!(queue.unfinished(), 0);
    }
}
