//! Listing 7.10 — A thread-safe list whose find-and-replace relocks.
//!
//! `find_and_replace` holds the lock and calls `indices_of`, which takes it
//! again: with a plain mutex that is a self-deadlock (std's `Mutex` may
//! hang or panic; it is unspecified). A bounded `try_lock_for` detects it.
//! The fix is the book's `RLock`: parking_lot's `ReentrantMutex`, which the
//! holding thread may lock again. It hands out shared references only (two
//! guards may coexist), so the list inside sits in a `RefCell`.
//!
//! Run: cargo run -p chapter07 -- 7.10

use std::cell::RefCell;
use std::time::Duration;

use parking_lot::{Mutex, ReentrantMutex};
use shared_util::Ctx;

const PATIENCE: Duration = Duration::from_secs(1);

struct IntListThreadsafe {
    inner: Mutex<Vec<i64>>,
}

impl IntListThreadsafe {
    fn indices_of(&self, to_find: i64) -> anyhow::Result<Vec<usize>> {
        let Some(list) = self.inner.try_lock_for(PATIENCE) else {
            anyhow::bail!("indices_of waited {PATIENCE:?} for a lock its own thread holds");
        };
        Ok((0..list.len()).filter(|&i| list[i] == to_find).collect())
    }

    fn find_and_replace(&self, to_replace: i64, replace_with: i64) -> anyhow::Result<()> {
        let mut list = self.inner.lock();
        for index in self.indices_of(to_replace)? {
            list[index] = replace_with;
        }
        Ok(())
    }
}

struct IntListReentrant {
    inner: ReentrantMutex<RefCell<Vec<i64>>>,
}

impl IntListReentrant {
    fn indices_of(&self, to_find: i64) -> Vec<usize> {
        let list = self.inner.lock();
        let list = list.borrow();
        (0..list.len()).filter(|&i| list[i] == to_find).collect()
    }

    fn find_and_replace(&self, to_replace: i64, replace_with: i64) {
        let guard = self.inner.lock();
        for index in self.indices_of(to_replace) {
            guard.borrow_mut()[index] = replace_with; // same thread: no wait
        }
    }
}

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let plain = IntListThreadsafe {
        inner: Mutex::new(vec![1, 2, 1, 2, 1]),
    };
    match plain.find_and_replace(1, 2) {
        Ok(()) => println!("plain mutex: {:?}", plain.inner.lock()),
        Err(hang) => println!("plain mutex: hang detected: {hang}"),
    }
    let reentrant = IntListReentrant {
        inner: ReentrantMutex::new(RefCell::new(vec![1, 2, 1, 2, 1])),
    };
    reentrant.find_and_replace(1, 2);
    println!("reentrant mutex: {:?}", reentrant.inner.lock().borrow());
    Ok(())
}
