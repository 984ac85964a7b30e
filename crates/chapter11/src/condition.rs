//! An asyncio-style `Condition`: a lock plus "wake me when something changed".
//!
//! Tokio has no async condition variable, and writing one is the lesson of
//! listing 11.14. It is a [`tokio::sync::Mutex`] that guards the shared state
//! and a [`Notify`] that carries the wake-ups:
//!
//! - [`lock`](Condition::lock) takes the lock (`async with condition`);
//! - [`wait`](Condition::wait) gives the lock up, sleeps until notified, and
//!   takes the lock back before returning;
//! - [`wait_for`](Condition::wait_for) waits until a predicate on the state
//!   holds, checking it under the lock;
//! - [`notify_one`](Condition::notify_one) and
//!   [`notify_all`](Condition::notify_all) wake one or every waiter.
//!
//! The one hard part is the lost wake-up. A waiter that released the lock
//! and only *then* asked to be notified could miss a notification sent in
//! between, and sleep forever. So `wait` registers with the `Notify`
//! (`notified()` + `enable()`) while it still holds the lock, and releases
//! the lock only after that, before it returns its future: any notify that
//! can see the lock free is already aimed at this waiter.
//!
//! As with every condition variable, a waiter may wake without the state it
//! wants: another task got there first and changed it back. This one adds
//! a quirk of its own: `notify_one` with nobody waiting leaves one wake-up
//! stored in the `Notify` for the next waiter, where asyncio's `Condition`
//! and a pthreads condition variable simply lose it. Either way, check the
//! state after waking, or use `wait_for` (listing 11.15), which does.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::sync::Arc;
//! use chapter11::condition::Condition;
//!
//! let ready = Arc::new(Condition::new(false));
//! let waiter = tokio::spawn({
//!     let ready = ready.clone();
//!     async move {
//!         let guard = ready.lock().await;
//!         let guard = ready.wait_for(guard, |ready| *ready).await;
//!         assert!(*guard);
//!     }
//! });
//! *ready.lock().await = true;
//! ready.notify_all();
//! waiter.await.unwrap();
//! # }
//! ```

use std::future::Future;

use tokio::sync::{Mutex, MutexGuard, Notify};

/// A lock and a notifier in one; see the [module docs](self).
#[derive(Debug, Default)]
pub struct Condition<T> {
    /// The shared state; only the holder of the lock may look at it.
    state: Mutex<T>,
    /// Wakes the tasks parked in `wait`.
    notify: Notify,
}

impl<T> Condition<T> {
    /// A condition guarding `state`.
    pub fn new(state: T) -> Self {
        Self {
            state: Mutex::new(state),
            notify: Notify::new(),
        }
    }

    /// Takes the lock, waiting in line (first come, first served).
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.state.lock().await
    }

    /// Releases `guard`, waits for a notification, and takes the lock again.
    ///
    /// The registration and the release happen *now*, when `wait` is called,
    /// not when the returned future is first polled: a notification sent at
    /// any moment after this call returns is not lost.
    pub fn wait<'a>(
        &'a self,
        guard: MutexGuard<'a, T>,
    ) -> impl Future<Output = MutexGuard<'a, T>> + 'a {
        let mut notified = Box::pin(self.notify.notified());
        // Interest first, while the lock is still held...
        notified.as_mut().enable();
        // ...and only then let notifiers in.
        drop(guard);
        async move {
            notified.await;
            self.state.lock().await
        }
    }

    /// Waits (as often as it takes) until `predicate` holds for the state,
    /// and returns with the lock held. Returns at once if it holds already.
    pub async fn wait_for<'a>(
        &'a self,
        mut guard: MutexGuard<'a, T>,
        mut predicate: impl FnMut(&T) -> bool,
    ) -> MutexGuard<'a, T> {
        while !predicate(&guard) {
            guard = self.wait(guard).await;
        }
        guard
    }

    /// Wakes one waiting task (the longest waiting). With nobody waiting,
    /// `Notify` keeps one wake-up for the next task that waits (asyncio
    /// and pthreads would drop it).
    pub fn notify_one(&self) {
        self.notify.notify_one();
    }

    /// Wakes every task waiting now. Tasks that wait later are not affected.
    pub fn notify_all(&self) {
        self.notify.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    /// State for the wake-up counting tests.
    #[derive(Default)]
    struct Waiting {
        /// Tasks that hold the lock and are about to wait.
        parked: usize,
    }

    /// Starts `n` tasks that each wait once on `condition` and count
    /// themselves in `woken`; returns when all of them are waiting.
    async fn park(
        condition: &Arc<Condition<Waiting>>,
        woken: &Arc<AtomicUsize>,
        n: usize,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        let tasks = (0..n)
            .map(|_| {
                let (condition, woken) = (condition.clone(), woken.clone());
                tokio::spawn(async move {
                    let mut guard = condition.lock().await;
                    guard.parked += 1;
                    let _guard = condition.wait(guard).await;
                    woken.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();
        // A task counts itself under the lock and registers before it lets
        // the lock go, so once all n are counted, all n are waiting.
        loop {
            if condition.lock().await.parked == n {
                return tasks;
            }
            tokio::task::yield_now().await;
        }
    }

    /// Lets every ready task on the (paused, current-thread) runtime run.
    async fn settle() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn notify_all_wakes_every_waiter() {
        let condition = Arc::new(Condition::new(Waiting::default()));
        let woken = Arc::new(AtomicUsize::new(0));
        let tasks = park(&condition, &woken, 4).await;
        settle().await;
        assert_eq!(woken.load(Ordering::SeqCst), 0);
        condition.notify_all();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(woken.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn notify_one_wakes_exactly_one() {
        let condition = Arc::new(Condition::new(Waiting::default()));
        let woken = Arc::new(AtomicUsize::new(0));
        let tasks = park(&condition, &woken, 3).await;
        condition.notify_one();
        settle().await;
        assert_eq!(woken.load(Ordering::SeqCst), 1);
        condition.notify_one();
        settle().await;
        assert_eq!(woken.load(Ordering::SeqCst), 2);
        condition.notify_all();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(woken.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_notify_between_release_and_first_poll_is_not_lost() {
        // The lost wake-up window, held open on purpose: `wait` has released
        // the lock, but its future has not been polled yet. A notifier takes
        // the lock and notifies right there. The wait must still finish.
        let condition = Condition::new(0_u32);
        let guard = condition.lock().await;
        let waiting = condition.wait(guard);
        {
            let mut guard = condition.lock().await; // proves the lock is free
            *guard += 1;
            condition.notify_all();
        }
        let guard = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the notification was lost");
        assert_eq!(*guard, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn wait_for_returns_once_the_predicate_holds() {
        let condition = Arc::new(Condition::new(0_u32));
        let waiter = tokio::spawn({
            let condition = condition.clone();
            async move {
                let guard = condition.lock().await;
                *condition.wait_for(guard, |n| *n >= 3).await
            }
        });
        for _ in 0..3 {
            settle().await;
            assert!(!waiter.is_finished(), "woke before the predicate held");
            *condition.lock().await += 1;
            condition.notify_all();
        }
        assert_eq!(waiter.await.unwrap(), 3);
        // Already true: no wait at all.
        let guard = condition.lock().await;
        assert_eq!(*condition.wait_for(guard, |n| *n == 3).await, 3);
    }

    /// The barrier state of the stress test.
    #[derive(Default)]
    struct Rounds {
        /// The round the notifier has opened.
        round: u64,
        /// Workers that have arrived for the next round.
        arrived: usize,
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn stress_many_rounds_across_threads_without_a_lost_wakeup() {
        const WORKERS: usize = 8;
        const ROUNDS: u64 = 1000;
        let condition = Arc::new(Condition::new(Rounds::default()));

        let mut tasks = Vec::new();
        for _ in 0..WORKERS {
            let condition = condition.clone();
            tasks.push(tokio::spawn(async move {
                for round in 1..=ROUNDS {
                    let mut guard = condition.lock().await;
                    guard.arrived += 1;
                    condition.notify_all();
                    let guard = condition.wait_for(guard, |s| s.round >= round).await;
                    drop(guard);
                }
            }));
        }
        let notifier = {
            let condition = condition.clone();
            tokio::spawn(async move {
                for round in 1..=ROUNDS {
                    let guard = condition.lock().await;
                    let mut guard = condition.wait_for(guard, |s| s.arrived == WORKERS).await;
                    guard.arrived = 0;
                    guard.round = round;
                    condition.notify_all();
                }
            })
        };
        tasks.push(notifier);

        let all = futures::future::try_join_all(tasks);
        tokio::time::timeout(Duration::from_secs(60), all)
            .await
            .expect("deadlock or lost wake-up: the rounds did not finish in 60 s")
            .unwrap();
        assert_eq!(condition.lock().await.round, ROUNDS);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn stress_ping_pong_with_notify_one() {
        // Two tasks take turns; each hands the turn over with notify_one.
        const TURNS: u64 = 5000;
        let condition = Arc::new(Condition::new(0_u64));
        let player = |me: u64| {
            let condition = condition.clone();
            tokio::spawn(async move {
                loop {
                    let guard = condition.lock().await;
                    let mut guard = condition
                        .wait_for(guard, |turn| *turn >= TURNS || *turn % 2 == me)
                        .await;
                    if *guard >= TURNS {
                        return;
                    }
                    *guard += 1;
                    condition.notify_one();
                }
            })
        };
        let both = futures::future::try_join(player(0), player(1));
        tokio::time::timeout(Duration::from_secs(60), both)
            .await
            .expect("deadlock or lost wake-up in the ping-pong")
            .unwrap();
        assert_eq!(*condition.lock().await, TURNS);
    }
}
