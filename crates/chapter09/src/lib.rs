//! Chapter 9 — Web applications, on axum and Tokio.
//!
//! The book's aiohttp REST API over chapter 5's product database becomes
//! an axum `Router` (9.1–9.4); its WSGI/ASGI lesson becomes a blocking,
//! thread-per-request server next to tower's `Service` trait and a second
//! async stack (9.5–9.8), measured under the same load (9.8a); its
//! Starlette websocket counter and page (9.9, 9.10) and Django's async view
//! and sync/async bridges (9.11, 9.12) are axum handlers too. Run `cargo
//! run -p chapter09 -- list` to see the listings.
//!
//! Every server listens on 127.0.0.1 (`--port`; 0 picks a free port),
//! logs one line per request, and stops gracefully on Ctrl-C; `--demo`
//! drives it with a scripted client and stops it. With no
//! `--database-url`, the first listing that needs a database starts a
//! throwaway PostgreSQL (the demo database), loaded with the book's
//! products.
//!
//! `db` makes and closes the pool, `serving` is what aiohttp's `run_app`
//! did (listen, log, shut down), `api` is how errors are answered; every
//! `lNN_*` module is one listing.

pub mod api;
pub mod blocking;
pub mod db;
pub mod load;
pub mod serving;

mod l01_time;
mod l02_brands;
mod l03_product;
mod l04_create_product;
mod l05_blocking_brands;
mod l06_interfaces;
mod l08_hyper_brands;
mod l08a_blocking_vs_async;
mod l09_user_counter;
mod l10_counter_page;
mod l11_async_view;
mod l12_bridges;

use runner::Flag;
use runner::listing;
use runner::{Chapter, ChapterOptions, Scaling, Set, Share, Tool};

/// The chapter's listings, in the book's order.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 9,
    title: "Web applications",
    listings: &[
        listing!("9.1", l01_time, "GET /time: the month, the day and the time as JSON").server(),
        listing!("9.2", l02_brands, "A pool made at start-up, closed at shutdown; GET /brands").server().takes(&[Flag::DatabaseUrl]),
        listing!("9.3", l03_product, "GET /products/{id}: 200, 404 for an unknown id, 400 for a non-number").server().takes(&[Flag::DatabaseUrl]),
        listing!("9.4", l04_create_product, "POST /product: 201, 400 for bad JSON or fields, 413 for a big body").server().takes(&[Flag::DatabaseUrl]),
        listing!(sync "9.5", l05_blocking_brands, "GET /brands on a blocking server: a thread per request (WSGI)").server().takes(&[Flag::DatabaseUrl]),
        listing!("9.6", l06_interfaces, "WSGI and ASGI in Rust: a blocking fn and a tower Service, served and called").through("9.7").takes(&[Flag::Demo, Flag::Port]),
        listing!("9.8", l08_hyper_brands, "GET /brands on bare hyper: the same Service interface, no framework").server().takes(&[Flag::DatabaseUrl]),
        listing!(sync "9.8a", l08a_blocking_vs_async, "The blocking server vs the async one under the same load, measured").takes(&[Flag::DatabaseUrl, Flag::Demo, Flag::Port, Flag::Scale]),
        listing!("9.9", l09_user_counter, "A websocket counter: every client told how many are online").server(),
        listing!("9.10", l10_counter_page, "The counter's page, served at /: a browser shows the live count").server(),
        listing!("9.11", l11_async_view, "The async view: N requests at once, summarised in an HTML page").server().takes(&[Flag::Url, Flag::Requests, Flag::LatencyMs]),
        listing!(sync "9.12", l12_bridges, "sync_to_async (the blocking pool) and async_to_sync (Handle::block_on)").server().takes(&[Flag::Url, Flag::Requests, Flag::LatencyMs, Flag::Scale, Flag::Limit]),
    ],
    sets: &[Set {
        name: "brands",
        about: "GET /brands under the load tool (50 connections, 5 s): axum (9.2) vs bare hyper (9.8) vs a blocking thread per request (9.5)",
        entries: &["9.2", "9.8", "9.5"],
        // Every row, Rust and Python, meets the one demo database compare starts.
        flags: &["--port", "0", "--quiet", "--database-url", "{database}"],
        python: &["brands_server.py --port 0 --database-url {database}"],
        load: &["load", "--url", "http://{addr}/brands", "--connections", "50", "--seconds", "5"],
        python_flags: &[],
        goal: "axum at least 5x aiohttp's requests/s per core",
        after: None,
        scaling: None,
    }, Set {
        name: "scaling",
        about: "GET /brands under the load tool: axum (9.2) with 1, 2, 4, ... workers on as many CPUs, the load (and PostgreSQL) on the other half",
        entries: &["9.2"],
        flags: &["--port", "0", "--quiet", "--database-url", "{database}"],
        python: &[],
        load: &["load", "--url", "http://{addr}/brands", "--connections", "50", "--seconds", "5"],
        python_flags: &[],
        goal: "axum at least 5x aiohttp's requests/s at every core count",
        // aiohttp scales out: N processes sharing the port, a pool of 6 each.
        after: None,
        scaling: Some(Scaling {
            flag: "--workers",
            share: Share::Half,
            python: &["brands_server.py --port 0 --database-url {database} --processes {n}"],
        }),
    }],
    workers: &[],
    tools: TOOLS,
    options: ChapterOptions::of::<Options>(),
};

/// Tools that come with the chapter: `cargo run -p chapter09 -- load --help`.
pub static TOOLS: &[Tool] = &[Tool::new::<load::Args>(
    "load",
    "GETs of one URL over many keep-alive connections for a while: requests/s, p50/p99",
)];

/// Options of chapter 9's listings, read with `ctx.options::<Options>()`.
/// The servers also read the shared `--port`, `--requests`,
/// `--latency-ms`, `--scale` and `--limit`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// The database servers: connections in the pool (the book's 6).
    #[arg(long, value_name = "N", default_value_t = 6, allow_negative_numbers = true,
          value_parser = runner::whole_number::<usize>(1, Some(90)))]
    pub pool: usize,
    /// Random seed of the product rows built when the database lacks them.
    #[arg(long, value_name = "N", default_value_t = shared_util::demo::products::DEFAULT_SEED,
          value_parser = runner::whole_number::<u64>(0, None))]
    pub seed: u64,
    /// 9.2, 9.5, 9.8, 9.8a: a simulated wait after the brands query, in ms (0; 50 in 9.8a).
    #[arg(long, value_name = "MS", allow_negative_numbers = true,
          value_parser = runner::whole_number::<u64>(0, Some(60_000)))]
    pub wait_ms: Option<u64>,
    /// 9.5, 9.8a: threads of the blocking server, each with its own connection.
    #[arg(long, value_name = "N", default_value_t = 8, allow_negative_numbers = true,
          value_parser = runner::whole_number::<usize>(1, Some(512)))]
    pub threads: usize,
    /// 9.8a: connections of the load, each sending one request after another.
    #[arg(long, value_name = "N", default_value_t = 100, allow_negative_numbers = true,
          value_parser = runner::whole_number::<usize>(1, Some(10_000)))]
    pub connections: usize,
    /// 9.8a: seconds of load against each server (times --scale).
    #[arg(long, value_name = "S", default_value_t = 3.0)]
    pub seconds: f64,
    /// 9.4: the largest request body taken, in bytes; bigger ones get 413.
    #[arg(long, value_name = "BYTES", default_value_t = 4096, allow_negative_numbers = true,
          value_parser = runner::whole_number::<usize>(16, Some(64 << 20)))]
    pub body_limit: usize,
    /// The servers: no line per request (for load runs).
    #[arg(long)]
    pub quiet: bool,
}
