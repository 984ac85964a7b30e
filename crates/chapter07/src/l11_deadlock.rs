//! Listing 7.11 — Two threads take two locks in opposite order: deadlock.
//!
//! Method a holds lock A and wants B; method b holds B and wants A. The
//! book sleeps 1 s to line this up; a `Barrier` does it exactly. Each
//! second lock is taken with `try_lock_for`, so instead of hanging forever
//! both threads give up after 1 s and report what they hold and what they
//! waited for; a second barrier keeps each first lock held until both
//! have given up, so the report is the same on every run.
//!
//! Run: cargo run -p chapter07 -- 7.11

use std::sync::Barrier;
use std::time::Duration;

use parking_lot::Mutex;
use shared_util::Ctx;

const PATIENCE: Duration = Duration::from_secs(1);

static LOCK_A: Mutex<()> = Mutex::new(());
static LOCK_B: Mutex<()> = Mutex::new(());

/// Takes `first`, then tries `second`; returns a report if it deadlocked.
fn take_both(
    method: &str,
    (first, first_name): (&Mutex<()>, &str),
    (second, second_name): (&Mutex<()>, &str),
    both_hold_one: &Barrier,
    both_tried: &Barrier,
) -> Option<String> {
    let _held = first.lock();
    println!("Acquired lock {first_name} from method {method}!");
    both_hold_one.wait();
    let outcome = match second.try_lock_for(PATIENCE) {
        Some(_guard) => {
            println!("Acquired both locks from method {method}!");
            None
        }
        None => Some(format!(
            "method {method} holds lock {first_name} and waited {PATIENCE:?} for lock {second_name}"
        )),
    };
    both_tried.wait();
    outcome
}

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let (hold, tried) = (Barrier::new(2), Barrier::new(2));
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| take_both("a", (&LOCK_A, "A"), (&LOCK_B, "B"), &hold, &tried));
        let b = s.spawn(|| take_both("b", (&LOCK_B, "B"), (&LOCK_A, "A"), &hold, &tried));
        (a.join(), b.join())
    });
    let reports: Vec<String> = [a, b]
        .into_iter()
        .map(|r| r.map_err(|_| anyhow::anyhow!("a thread panicked")))
        .collect::<anyhow::Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    if reports.is_empty() {
        println!("no deadlock");
    } else {
        println!("deadlock detected:");
        for report in reports {
            println!("  {report}");
        }
    }
    Ok(())
}
