//! Listing 11.13 — An event set every second while workers take 5 s: triggers are missed.
//!
//! The trigger sets the event once a second; each worker waits, clears it,
//! and works for five seconds. While both are busy nobody waits, so the
//! sets in between change nothing: an event is a flag, not a queue. The run
//! stops after five seconds, as the book's `wait_for(..., 5.0)` does, and
//! counts the sets made against the sets a worker woke up for.
//!
//! Run: cargo run -p chapter11 -- 11.13

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::time::Duration;

use shared_util::{Ctx, span};

use crate::event::Event;

async fn trigger_event_periodically(event: &Event, sets: &Cell<u32>) {
    loop {
        println!("Triggering event!");
        sets.set(sets.get() + 1);
        event.set();
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// `observed` collects the number of each set that woke a worker.
async fn do_work_on_event(event: &Event, sets: &Cell<u32>, observed: &RefCell<Vec<u32>>) {
    loop {
        println!("Waiting for event...");
        event.wait().await;
        observed.borrow_mut().push(sets.get());
        event.clear();
        println!("Performing work!");
        tokio::time::sleep(Duration::from_secs(5)).await;
        println!("Finished work!");
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let event = Event::new();
    let sets = Cell::new(0);
    let observed = RefCell::new(Vec::new());
    let everything = futures::future::join3(
        span(
            "do_work_on_event #1",
            do_work_on_event(&event, &sets, &observed),
        ),
        span(
            "do_work_on_event #2",
            do_work_on_event(&event, &sets, &observed),
        ),
        span(
            "trigger_event_periodically",
            trigger_event_periodically(&event, &sets),
        ),
    );
    tokio::select! {
        // `biased`: at the 5 s mark the deadline wins over the workers'
        // own 5 s sleeps, as the book's timeout does.
        biased;
        () = tokio::time::sleep(Duration::from_secs(5)) => println!("Timed out!"),
        // The workers and the trigger loop for ever: only the deadline ends this.
        _ = everything => {}
    }
    let wakeups = observed.borrow();
    let seen: BTreeSet<u32> = wakeups.iter().copied().collect();
    let seen_list: Vec<String> = seen.iter().map(|n| format!("#{n}")).collect();
    println!(
        "The event was set {} times; {} wake-ups, {} {}; {} sets were missed",
        sets.get(),
        wakeups.len(),
        if seen.len() == 1 {
            "all on set"
        } else {
            "on sets"
        },
        seen_list.join(", "),
        sets.get() as usize - seen.len()
    );
    Ok(())
}
