//! Listing 11.10 — An event set 5 s later releases two waiting tasks.
//!
//! Two tasks wait on one event; a timer sets it after five seconds and both
//! go to work. Tokio has no `Event`, so this uses the chapter's own
//! [`Event`](crate::event::Event), built on `Notify` and a flag. The book's
//! `loop.call_later(5.0, ...)` becomes a spawned task that sleeps, then sets.
//!
//! Run: cargo run -p chapter11 -- 11.10

use std::sync::Arc;
use std::time::Duration;

use shared_util::timing::{Stopwatch, secs};
use shared_util::{Ctx, span};

use crate::event::Event;

fn trigger_event(event: &Event) {
    println!("Triggering event!");
    event.set();
}

async fn do_work_on_event(event: &Event) {
    println!("Waiting for event...");
    event.wait().await;
    println!("Performing work!");
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!("Finished work!");
    // Lower the flag so that later waits block again.
    event.clear();
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let clock = Stopwatch::start();
    let event = Arc::new(Event::new());
    let trigger = tokio::spawn({
        let event = event.clone();
        async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            trigger_event(&event);
        }
    });
    // `span` records each worker for `--timeline`, silently.
    futures::join!(
        span("do_work_on_event #1", do_work_on_event(&event)),
        span("do_work_on_event #2", do_work_on_event(&event))
    );
    trigger.await?;
    println!("both tasks done after {} second(s)", secs(clock.elapsed()));
    Ok(())
}
