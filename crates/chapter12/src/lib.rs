//! Chapter 12 — Asynchronous queues, on Tokio.
//!
//! Producers put work on a queue, a pool of worker tasks takes it off, and
//! `join` waits until every item is finished: a supermarket, a web app that
//! queues orders for background workers, a web crawler, then priority and
//! LIFO order. Tokio's channels have no `task_done`/`join`, so the chapter
//! has its own [`queue`] module: [`queue::Queue`], [`queue::PriorityQueue`]
//! and [`queue::LifoQueue`], built from a `Mutex`, two `Semaphore`s and a
//! `Notify`. Beyond the book, 12.11 and 12.12 put the orders on a real
//! broker (a Redis stream, [`broker`]) with workers as separate processes,
//! and show that a crash loses nothing. Run `cargo run -p chapter12 -- list` to see the listings.
//!
//! Each `lNN_*` module below is one listing of the book; `CHAPTER` is the
//! table the runner reads.

mod broker;
mod broker_processes;
mod crash;
mod crawl;
mod fetch_page;
mod order_server;
pub mod queue;
mod supermarket;

mod l01_supermarket;
mod l02_customers_arriving;
mod l03_order_queue;
mod l04_crawler;
mod l05_priority_queue;
mod l06_ordered_items;
mod l07_power_users_first;
mod l08_equal_priorities;
mod l09_tie_breaking;
mod l10_lifo_queue;
mod l11_redis_orders;
mod l12_worker_crash;

use runner::Flag;
use runner::listing;
use runner::{Chapter, ChapterOptions, Set, Tool, Worker};

/// The chapter's listings, in the book's order.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 12,
    title: "Asynchronous queues",
    listings: &[
        listing!("12.1", l01_supermarket, "The supermarket: 10 customers, 3 cashiers, join waits for all").timers(),
        listing!("12.2", l02_customers_arriving, "Customers arrive every second into a line of 5 while cashiers work").timers().takes(&[Flag::Rounds]),
        listing!("12.3", l03_order_queue, "A web app queues orders (POST /order) for 5 workers; shutdown drains the queue").server().takes(&[Flag::Requests, Flag::Scale, Flag::Limit]),
        listing!("12.4", l04_crawler, "A crawler: a queue of (depth, url), 100 workers, links parsed, a depth limit").takes(&[Flag::Url, Flag::Requests, Flag::LatencyMs, Flag::Limit]),
        listing!("12.5", l05_priority_queue, "A priority queue: (3, ...), (2, ...), (1, ...) come out 1, 2, 3").timers(),
        listing!("12.6", l06_ordered_items, "Priority items as structs: only the priority is compared").timers(),
        listing!("12.7", l07_power_users_first, "The order app on a priority queue: power users first").server().takes(&[Flag::Requests, Flag::Scale, Flag::Limit]),
        listing!("12.8", l08_equal_priorities, "Equal priorities come out in no fixed order").timers(),
        listing!("12.9", l09_tie_breaking, "Ties broken by arrival order: (priority, order)").timers(),
        listing!("12.10", l10_lifo_queue, "A LIFO queue: last in, first out").timers(),
        listing!("12.11", l11_redis_orders, "Beyond the book: the order app on Redis Streams, workers as separate processes").server().takes(&[Flag::Requests, Flag::Scale, Flag::Limit]),
        listing!("12.12", l12_worker_crash, "Beyond the book: SIGKILL a worker mid-order, restart the app: nothing lost").takes(&[Flag::Requests, Flag::Scale]),
    ],
    sets: &[Set {
        name: "broker",
        about: "orders/s through 12.3's in-memory queue and 12.11's Redis stream (5 worker tasks vs 5 worker processes), orders of 0-0.4 ms; then what each loses when the app is SIGKILLed",
        entries: &["12.3", "12.11"],
        flags: &["--demo", "--scale", "0.0001", "--requests", "5000"],
        // Its defaults are the flags above: 5000 orders, --scale 0.0001, 5 workers.
        python: &["broker_orders.py --redis-url {redis}"],
        load: &[],
        python_flags: &["--requests", "--scale"],
        goal: "",
        after: Some(crash::lines),
        scaling: None,
    }, Set {
        name: "crawl",
        about: "the crawler (12.4) with 1, 10 and 100 workers on the generated site, 20 ms server latency",
        entries: &["12.4 --limit 1", "12.4 --limit 10", "12.4 --limit 100"],
        flags: &["--latency-ms", "20"],
        python: &[],
        load: &[],
        python_flags: &[],
        goal: "",
        after: None,
        scaling: None,
    }],
    workers: &[
        Worker { name: "order-worker", run: broker_processes::worker },
        Worker { name: "order-app", run: broker_processes::app },
    ],
    tools: &[Tool::new::<broker_processes::WorkerArgs>(
        "order-worker",
        "A worker of 12.11 as a program of its own: reads orders from the Redis stream",
    )],
    options: ChapterOptions::of::<Options>(),
};

/// Options of this chapter's listings, read with `ctx.options::<Options>()`.
/// Worker counts use the shared `--limit`, the crawler's URL cap and the
/// demo clients' order count `--requests`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// 12.1-12.3, 12.7: seed of the random baskets and order times (the same seed, the same run).
    #[arg(long, value_name = "N", default_value_t = 12)]
    pub seed: u64,
    /// 12.3, 12.7: answer 503 when the order queue is full, instead of making the request wait for room.
    #[arg(long)]
    pub reject_when_full: bool,
    /// 12.4: how many links deep the crawler goes from the start page.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub max_depth: usize,
    /// 12.11, 12.12: use this Redis server instead of the demo broker (redis://HOST:PORT).
    #[arg(long, value_name = "URL", value_parser = broker::parse_url)]
    pub redis_url: Option<String>,
}
