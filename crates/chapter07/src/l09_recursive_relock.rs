//! Listing 7.9 — A recursive function relocks the mutex it holds.
//!
//! With Python's `Lock` the second acquire waits forever. Rust's std
//! `Mutex` says relocking from the holding thread is unspecified: it may
//! deadlock or panic, never succeed. To show the hang without suffering
//! it, this version uses parking_lot's `try_lock_for`, a lock with a
//! deadline: after 1 s it gives up and reports what it saw.
//!
//! Run: cargo run -p chapter07 -- 7.9

use std::time::Duration;

use parking_lot::Mutex;
use shared_util::Ctx;

const PATIENCE: Duration = Duration::from_secs(1);

static LIST_LOCK: Mutex<()> = Mutex::new(());

fn sum_list(int_list: &[i64]) -> anyhow::Result<i64> {
    println!("Waiting to acquire lock...");
    let Some(_guard) = LIST_LOCK.try_lock_for(PATIENCE) else {
        anyhow::bail!("still waiting after {PATIENCE:?}: this thread already holds the lock");
    };
    println!("Acquired lock.");
    match int_list {
        [] => {
            println!("Finished summing.");
            Ok(0)
        }
        [head, tail @ ..] => {
            println!("Summing rest of list.");
            Ok(head + sum_list(tail)?)
        }
    }
}

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let thread = std::thread::spawn(|| sum_list(&[1, 2, 3, 4]));
    match thread
        .join()
        .map_err(|_| anyhow::anyhow!("the thread panicked"))?
    {
        Ok(sum) => println!("sum: {sum}"),
        Err(hang) => {
            println!("hang detected: {hang}");
            println!("a plain mutex deadlocks on relock; a reentrant one (7.10) would not");
        }
    }
    Ok(())
}
