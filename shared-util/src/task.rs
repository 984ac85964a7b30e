//! Named tasks: `asyncio.create_task(coro, name="delay(3)")`.
//!
//! asyncio gives every task a name (`Task-1` unless you pass one), and
//! `task.get_name()` reads it back. A Tokio task has an id, and a name only
//! where a tool can read it: [tokio-console](https://github.com/tokio-rs/console)
//! (`--console`) lists tasks by these names. [`spawn_named`] and
//! [`spawn_named_in`] spawn exactly as `tokio::spawn` and
//! `JoinSet::spawn` do, and name the task when the build can: Tokio's task
//! builder needs `--cfg tokio_unstable` (set in `.cargo/config.toml`) and
//! its `tracing` feature (this crate's `console` feature, which the
//! runner's turns on). Otherwise the name is dropped and the task is an
//! ordinary one.

use std::future::Future;

use tokio::task::{AbortHandle, JoinHandle, JoinSet};

/// Whether this build gives tasks their names (see the module docs).
pub const NAMES_TASKS: bool = cfg!(all(tokio_unstable, feature = "console"));

/// `tokio::spawn(future)`, with the task named `name` for tokio-console.
///
/// # Panics
///
/// Outside a Tokio runtime, as `tokio::spawn` does.
#[track_caller]
pub fn spawn_named<F>(name: &str, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    #[cfg(all(tokio_unstable, feature = "console"))]
    {
        tokio::task::Builder::new()
            .name(name)
            .spawn(future)
            .expect("Tokio's task builder spawns as tokio::spawn does")
    }
    #[cfg(not(all(tokio_unstable, feature = "console")))]
    {
        let _ = name;
        tokio::spawn(future)
    }
}

/// `set.spawn(future)`, with the task named `name` for tokio-console.
///
/// # Panics
///
/// Outside a Tokio runtime, as `JoinSet::spawn` does.
#[track_caller]
pub fn spawn_named_in<T, F>(set: &mut JoinSet<T>, name: &str, future: F) -> AbortHandle
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    #[cfg(all(tokio_unstable, feature = "console"))]
    {
        set.build_task()
            .name(name)
            .spawn(future)
            .expect("Tokio's task builder spawns as JoinSet::spawn does")
    }
    #[cfg(not(all(tokio_unstable, feature = "console")))]
    {
        let _ = name;
        set.spawn(future)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn named_tasks_run_like_any_other() {
        assert_eq!(spawn_named("answer", async { 42 }).await.unwrap(), 42);
        let mut set = JoinSet::new();
        spawn_named_in(&mut set, "one", async { 1 });
        spawn_named_in(&mut set, "two", async { 2 });
        let mut got = set.join_all().await;
        got.sort_unstable();
        assert_eq!(got, [1, 2]);
    }
}
