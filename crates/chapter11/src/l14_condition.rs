//! Listing 11.14 — A condition: workers wait, a notifier wakes them all every 5 s.
//!
//! Each worker takes the condition's lock, waits (which lets the lock go),
//! and when woken does its work holding the lock again, so the two take
//! turns. Tokio has no async condition variable; the chapter's
//! [`Condition`](crate::condition::Condition) is a `tokio::sync::Mutex` plus
//! a `Notify`, and getting its wake-ups right is the lesson (see its docs).
//! The book loops for ever; here the notifier fires `--rounds` times (2 by
//! default) and each worker stops after that many wake-ups.
//!
//! Run: cargo run -p chapter11 -- 11.14

use std::sync::Arc;
use std::time::Duration;

use shared_util::timing::{Stopwatch, secs};
use shared_util::{Ctx, span};

use crate::condition::Condition;

async fn do_work(id: u32, condition: Arc<Condition<()>>, rounds: u64) {
    for _ in 0..rounds {
        println!("Worker {id}: waiting for condition lock...");
        let guard = condition.lock().await;
        println!("Worker {id}: acquired lock, releasing and waiting for condition...");
        let guard = condition.wait(guard).await;
        println!("Worker {id}: condition event fired, re-acquiring lock and doing work...");
        tokio::time::sleep(Duration::from_secs(1)).await;
        drop(guard);
        println!("Worker {id}: Work finished, lock released.");
    }
}

async fn fire_event(condition: Arc<Condition<()>>, rounds: u64) {
    for _ in 0..rounds {
        tokio::time::sleep(Duration::from_secs(5)).await;
        println!("fire_event: about to notify, acquiring condition lock...");
        {
            let _guard = condition.lock().await;
            println!("fire_event: Lock acquired, notifying all workers.");
            condition.notify_all();
        }
        println!("fire_event: Notification finished, releasing lock.");
    }
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let rounds = ctx.rounds_or(2);
    let clock = Stopwatch::start();
    let condition = Arc::new(Condition::new(()));
    let notifier = tokio::spawn(span("fire_event", fire_event(condition.clone(), rounds)));
    let workers = [
        tokio::spawn(span("do_work(1)", do_work(1, condition.clone(), rounds))),
        tokio::spawn(span("do_work(2)", do_work(2, condition.clone(), rounds))),
    ];
    // Bounded: a worker that missed a notification would wait for ever.
    let bound = Duration::from_secs(5 * rounds + 10);
    let everyone = futures::future::try_join_all(workers.into_iter().chain([notifier]));
    match tokio::time::timeout(bound, everyone).await {
        Ok(finished) => finished?,
        Err(_) => anyhow::bail!(
            "a worker was still waiting after {} s: a notification was lost",
            bound.as_secs()
        ),
    };
    println!(
        "{rounds} rounds done in {} second(s): every notification woke both workers",
        secs(clock.elapsed())
    );
    Ok(())
}
