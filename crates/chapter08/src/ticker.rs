//! A ticking timer for listings 8.4 and 8.5: it prints `tick N` every half
//! second and counts, so a listing can say how often it ticked while the
//! program waited for a line of input.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Starts the ticker task and returns its counter.
pub fn spawn_ticker() -> Arc<AtomicU64> {
    let ticks = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&ticks);
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_millis(500));
        interval.tick().await; // the first tick is immediate
        loop {
            interval.tick().await;
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            println!("tick {n}");
        }
    });
    ticks
}

pub fn ticks(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::SeqCst)
}
