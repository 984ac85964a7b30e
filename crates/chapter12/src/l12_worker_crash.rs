//! Listing 12.12 — Kill a worker mid-order, stop the app, restart: nothing
//! is lost (beyond the book).
//!
//! The answer to "what if the order app crashes?", run as a script on
//! 12.11's parts, each a real process on a real Redis:
//!
//! 1. the app and three workers (w1-w3) take half of `--requests` (20);
//! 2. as soon as a worker holds an order, it is killed with SIGKILL: it
//!    never acknowledges it, so the order stays on its pending list;
//! 3. the app gets SIGINT and the other workers SIGTERM: the orders still
//!    in the stream wait there, with nobody running;
//! 4. the app and three new workers (w4-w6) start again and take the other
//!    half. The new workers read what was waiting, and one of them takes
//!    the killed worker's order over (`XAUTOCLAIM`) once it has been idle longer than the
//!    longest order (5 s, times `--scale`).
//!
//! The last lines account for every order a client was told was placed, by
//! number: processed, taken over after the crash, processed twice (possible:
//! delivery is at least once), lost (none). With 12.3's in-memory queue,
//! step 3 alone loses every order still queued.
//!
//! With `--redis-url` the run uses keys of its own (`rct:12.12:PID:`) and
//! deletes them at the end.
//!
//! Run: cargo run -p chapter12 -- 12.12 --scale 0.1

use std::time::Duration;

use shared_util::Ctx;

use crate::broker::{Broker, Keys, numbers, redacted};
use crate::broker_processes::{AppChild, Workers, claim_after};
use crate::l11_redis_orders::{broker_url, wait_processed};
use crate::order_server::place_orders;

/// How long the workers may take to join the group, or to take an order,
/// before the run gives up.
const BOUND: Duration = Duration::from_secs(10);

fn names(range: std::ops::RangeInclusive<usize>) -> Vec<String> {
    range.map(|i| format!("w{i}")).collect()
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let (url, demo) = broker_url(ctx)?;
    let prefix = format!("rct:12.12:{}:", std::process::id());
    let mut broker = Broker::connect(&url, Keys::new(&prefix)).await?;
    let seed = ctx.options::<crate::Options>().seed;
    let scale = ctx.scale();
    let total = ctx.requests_or(20).max(2);
    let first_half = total / 2;
    println!(
        "Redis {} at {}; keys {prefix}*; a worker takes over an order idle for {:.1} s",
        broker.version().await?,
        redacted(&url),
        claim_after(scale).as_secs_f64()
    );

    println!("-- 1. The app and workers w1-w3 take {first_half} order(s)");
    let app = AppChild::start(&url, &prefix, seed, true).await?;
    let first = names(1..=3);
    let mut workers = Workers::start(&url, &prefix, &first, scale, true)?;
    broker.wait_for_workers(&first, BOUND).await?;
    let mut told = place_orders(app.address, first_half, |_| String::new()).await?;

    let (victim, held) = first_holder(&mut broker, &first).await?;
    workers.kill(&victim).await?;
    println!(
        "-- 2. SIGKILL to {victim} while it holds order #{held}: never acknowledged, it stays pending"
    );

    println!("-- 3. SIGINT to the app, SIGTERM to the other workers: nobody is left running");
    app.interrupt().await?;
    workers.stop().await;
    let tally = broker.tally().await?;
    let waiting = tally.waiting();
    println!(
        "While everything is down: {} accepted, {} processed, {} waiting in the stream ({})",
        told.len(),
        tally.done.len(),
        waiting.len(),
        numbers(&waiting)
    );

    println!(
        "-- 4. The app and new workers w4-w6 start again and take {} more",
        total - first_half
    );
    let app = AppChild::start(&url, &prefix, seed.wrapping_add(1), true).await?;
    let second = names(4..=6);
    let workers = Workers::start(&url, &prefix, &second, scale, true)?;
    broker.wait_for_workers(&second, BOUND).await?;
    told.extend(place_orders(app.address, total - first_half, |_| String::new()).await?);
    // The longest wait: every order one after another on one worker, and
    // the take-over's idle time.
    let bound = claim_after(scale) + Duration::from_secs_f64(4.0 * scale) * total as u32;
    let tally = wait_processed(&mut broker, &told, bound + Duration::from_secs(10)).await?;
    app.interrupt().await?;
    workers.stop().await;
    let tally = broker.tally().await.unwrap_or(tally);
    if demo.is_none() {
        broker.delete_all().await?;
    }

    let processed = told.iter().filter(|id| tally.done.contains_key(id)).count();
    let lost: Vec<u64> = told
        .iter()
        .filter(|id| !tally.done.contains_key(id))
        .copied()
        .collect();
    let claimed: Vec<String> = tally
        .claimed
        .iter()
        .map(|(id, how)| format!("#{id} ({how})"))
        .collect();
    println!(
        "{} order(s) accepted, {processed} processed, {} lost ({})",
        told.len(),
        lost.len(),
        numbers(&lost)
    );
    println!(
        "taken over after a crash: {}",
        if claimed.is_empty() {
            "none".to_owned()
        } else {
            claimed.join(" ")
        }
    );
    println!("processed twice: {}", numbers(tally.repeated.keys()));
    anyhow::ensure!(
        lost.is_empty(),
        "orders accepted and never processed: {}",
        numbers(&lost)
    );
    Ok(())
}

/// Waits until one of `names` holds an order; returns the worker and the
/// order's number.
async fn first_holder(broker: &mut Broker, names: &[String]) -> anyhow::Result<(String, u64)> {
    let deadline = tokio::time::Instant::now() + BOUND;
    loop {
        for name in names {
            if let Some(id) = broker.held_by(name).await?.first() {
                return Ok((name.clone(), *id));
            }
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "no worker took an order within {} s",
            BOUND.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}
