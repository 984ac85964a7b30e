//! Listing 7.11a — The fix: every thread takes the locks in one order.
//!
//! Both methods take A, then B. Whoever gets A first gets B too; the other
//! waits for A without holding anything, so no cycle can form. Same
//! bounded waits as 7.11, which here never run out.
//!
//! Run: cargo run -p chapter07 -- 7.11a

use std::time::Duration;

use parking_lot::Mutex;
use shared_util::Ctx;

const PATIENCE: Duration = Duration::from_secs(5);

static LOCK_A: Mutex<()> = Mutex::new(());
static LOCK_B: Mutex<()> = Mutex::new(());

fn method(name: &str) -> anyhow::Result<()> {
    let Some(_a) = LOCK_A.try_lock_for(PATIENCE) else {
        anyhow::bail!("method {name} waited {PATIENCE:?} for lock A");
    };
    println!("Acquired lock a from method {name}!");
    std::thread::sleep(Duration::from_millis(100));
    let Some(_b) = LOCK_B.try_lock_for(PATIENCE) else {
        anyhow::bail!("method {name} waited {PATIENCE:?} for lock B");
    };
    println!("Acquired both locks from method {name}!");
    Ok(())
}

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    std::thread::scope(|s| {
        let a = s.spawn(|| method("a"));
        let b = s.spawn(|| method("b"));
        for thread in [a, b] {
            thread
                .join()
                .map_err(|_| anyhow::anyhow!("a thread panicked"))??;
        }
        println!("no deadlock: both methods took A before B");
        Ok(())
    })
}
