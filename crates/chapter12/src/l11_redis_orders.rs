//! Listing 12.11 — The order app on a real broker: Redis Streams (beyond
//! the book).
//!
//! 12.3's queue lives in the app's memory, so the orders in it die with
//! the app. Here the app adds each order to a Redis stream and says
//! "placed" only once Redis has it; the workers are separate OS processes
//! (`--limit`, 5 as in 12.3) that read the stream with a consumer group,
//! process each order (0 to 4 s, times `--scale`), record it and
//! acknowledge it. Nothing but Redis connects them: they could run on other
//! machines, and more can join by hand (`chapter12 order-worker --redis-url
//! URL`).
//!
//! Redis is the machine's own `redis-server`, started for the run on a free
//! port and removed after it (the demo broker), or a server of yours with
//! `--redis-url`, where the orders outlive the run: a restart resumes the
//! ones left unprocessed. On Ctrl-C the app stops taking orders (503), then
//! gives the workers the book's 10 s to finish what is in the stream, then
//! stops them; the last line accounts for every order it accepted, by
//! number. `--demo`: 20 orders, then SIGINT.
//!
//! Where Rust differs: nothing here is Rust-specific; the point is the
//! broker. Python users meet the same design in Celery, RQ and arq.
//!
//! Run: cargo run -p chapter12 -- 12.11 --demo --scale 0.1

use std::sync::Arc;
use std::time::Duration;

use shared_util::Ctx;
use shared_util::demo::broker::DemoRedis;
use shared_util::net::{announce, bind_loopback_async};

use crate::broker::{Broker, GROUP, Keys, PREFIX, Tally, numbers, redacted};
use crate::broker_processes::{Shop, Workers, serve};

/// The book's `wait_for(queue.join(), timeout=10)`: how long the workers
/// get to finish the stream at shutdown.
const DRAIN: Duration = Duration::from_secs(10);

/// The broker to use: `--redis-url`, or a demo broker started now (kept
/// alive by the returned guard).
pub fn broker_url(ctx: &Ctx) -> anyhow::Result<(String, Option<DemoRedis>)> {
    match &ctx.options::<crate::Options>().redis_url {
        Some(url) => Ok((url.clone(), None)),
        None => {
            let demo = DemoRedis::start()?;
            Ok((demo.url().to_owned(), Some(demo)))
        }
    }
}

/// Waits until none of `accepted` is waiting in the stream, for at most
/// `bound`; returns the broker's record then.
pub async fn wait_processed(
    broker: &mut Broker,
    accepted: &[u64],
    bound: Duration,
) -> anyhow::Result<Tally> {
    let deadline = tokio::time::Instant::now() + bound;
    loop {
        // The group's counters first: reading every order each time would
        // slow the workers down on a long stream.
        let done = match broker.drained().await? {
            Some(drained) => drained,
            None => {
                let tally = broker.tally().await?;
                accepted.iter().all(|id| tally.done.contains_key(id))
            }
        };
        if done || tokio::time::Instant::now() >= deadline {
            return broker.tally().await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    // Ours from here on: a Ctrl-C is handled (see 12.3).
    let mut stop_signal = shared_util::signals::Stop::install()?;
    let (url, demo) = broker_url(ctx)?;
    let mut broker = Broker::connect(&url, Keys::new(PREFIX)).await?;
    println!(
        "Orders go on the stream {}orders of Redis {} at {}, read by the group {GROUP}.",
        PREFIX,
        broker.version().await?,
        redacted(&url)
    );
    let names: Vec<String> = (1..=ctx.limit_or(5)).map(|i| format!("w{i}")).collect();
    println!(
        "Starting {} worker process(es): {}",
        names.len(),
        names.join(" ")
    );
    let workers = Workers::start(&url, PREFIX, &names, ctx.scale(), true)?;
    broker
        .wait_for_workers(&names, Duration::from_secs(10))
        .await?;

    let port = match (ctx.flags.port, ctx.flags.demo) {
        (Some(port), _) => port,
        (None, true) => 0,
        (None, false) => 8080,
    };
    let listener = bind_loopback_async(port).await?;
    let address = listener.local_addr()?;
    announce(
        address,
        ctx.flags.demo,
        &format!("or: curl -X POST http://{address}/order"),
    );
    let shop = Arc::new(Shop::new(
        broker.clone(),
        ctx.options::<crate::Options>().seed,
    ));
    let started = std::time::Instant::now();
    let stop = async {
        if ctx.flags.demo {
            crate::order_server::place_orders(address, ctx.requests_or(20), |_| String::new())
                .await?;
            println!("(demo: sending ourselves SIGINT, as Ctrl-C would)");
            shared_util::signals::raise_own(nix::sys::signal::Signal::SIGINT)?;
        }
        anyhow::Ok(stop_signal.wait().await)
    };
    let name = serve(listener, &shop, stop).await??;
    let accepted = shop.accepted();
    println!(
        "Got a {name}: no longer taking orders ({} accepted by this run, all in the broker)",
        accepted.len()
    );
    println!(
        "Giving the workers {} s to finish the stream....",
        DRAIN.as_secs()
    );
    let tally = wait_processed(&mut broker, &accepted, DRAIN).await?;
    println!("Stopping the workers (each finishes the order in hand)...");
    workers.stop().await;
    let tally = broker.tally().await.unwrap_or(tally);
    report(&accepted, &tally, shop.turned_away(), demo.is_some());
    if ctx.flags.demo {
        // For `compare broker`: orders processed from the first order
        // placed until now.
        let processed = accepted
            .iter()
            .filter(|id| tally.done.contains_key(id))
            .count();
        runner::compare::report_work(processed as u64, "orders", started.elapsed(), None);
    }
    Ok(())
}

/// The closing line: every order this run accepted, processed or still in
/// the stream, by number.
fn report(accepted: &[u64], tally: &Tally, turned_away: u64, demo_broker: bool) {
    let processed = accepted
        .iter()
        .filter(|id| tally.done.contains_key(id))
        .count();
    let waiting: Vec<u64> = accepted
        .iter()
        .filter(|id| !tally.done.contains_key(id))
        .copied()
        .collect();
    println!(
        "{} order(s) accepted, {processed} processed, {} waiting in the stream ({}), {turned_away} turned away (closing); processed twice: {}",
        accepted.len(),
        waiting.len(),
        numbers(&waiting),
        numbers(tally.repeated.keys()),
    );
    if !waiting.is_empty() {
        if demo_broker {
            println!(
                "The demo broker goes with this run, and those orders with it; with --redis-url they would wait for the next run's workers."
            );
        } else {
            println!("They stay in the broker: the next run's workers process them.");
        }
    }
}
