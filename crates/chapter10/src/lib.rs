//! Chapter 10 — Microservices: a backend-for-frontend over four services,
//! deadlines, retries and a circuit breaker.
//!
//! The product store split into services, each an axum app on its own
//! loopback port with its own database on the run's demo PostgreSQL:
//! inventory (10.1), favourites (10.5), cart (10.6) and products (10.7),
//! over the schemas of 10.2–10.3 and the pool helper of 10.4. The
//! backend-for-frontend (10.8) calls them concurrently under a 1 s
//! deadline and answers what it can; 10.8a flips each service's fault
//! switch and walks it through every failure. Then a retry helper (10.9,
//! 10.10) and a hand-written circuit breaker (10.11, 10.12), and, for
//! comparison, the same protections from tower's layers (10.12a).
//!
//! `services` runs the services (alone, on the book's ports, or all four
//! in-process for the listings that need them), with the fault switch and
//! the call counters that show a cancelled call stops; `db` makes sure
//! their databases hold what they read. Every other module is one listing.
//! Run `cargo run -p chapter10 -- list` to see them.

mod db;
mod load;
pub mod services;

mod l01_inventory;
mod l02_schemas;
mod l04_pool;
mod l05_favorites;
mod l06_cart;
mod l07_products;
mod l08_bff;
mod l08a_fault_walk;
mod l09_retry;
mod l10_retry_demo;
mod l11_circuit_breaker;
mod l12_breaker_demo;
mod l12a_tower_layers;

/// The services and the backend-for-frontend of 10.8, for the tests that
/// drive them in-process.
pub use l08_bff::System;

use runner::Flag;
use runner::listing;
use runner::{Chapter, ChapterOptions};

use crate::services::{Fault, Kind};

/// The chapter's listings, in the book's order.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 10,
    title: "Microservices",
    listings: &[
        listing!("10.1", l01_inventory, "The inventory service: a random delay, then a random stock count").server(),
        listing!("10.2", l02_schemas, "The cart and favourites databases, created and seeded").through("10.3").takes(&[Flag::DatabaseUrl]),
        listing!("10.4", l04_pool, "One pool per service database: opened, counted, closed").takes(&[Flag::DatabaseUrl]),
        listing!("10.5", l05_favorites, "The favourites service").server().takes(&[Flag::DatabaseUrl]),
        listing!("10.6", l06_cart, "The cart service").server().takes(&[Flag::DatabaseUrl]),
        listing!("10.7", l07_products, "The product service").server().takes(&[Flag::DatabaseUrl]),
        listing!("10.8", l08_bff, "The backend-for-frontend: three services at once under a 1 s deadline, then inventory").server().multi_thread().takes(&[Flag::DatabaseUrl, Flag::Requests, Flag::Limit]),
        listing!("10.8a", l08a_fault_walk, "Fault switches: the backend-for-frontend walked through slow, failing and down services").multi_thread().takes(&[Flag::DatabaseUrl, Flag::Demo, Flag::Port, Flag::Requests, Flag::Limit]),
        listing!("10.9", l09_retry, "A retry helper: a timeout per try, an interval, then too many retries").timers(),
        listing!("10.10", l10_retry_demo, "The retry helper against failing, timing-out and flaky calls").timers(),
        listing!("10.11", l11_circuit_breaker, "A circuit breaker: closed, open, fail fast, closed again after an interval (or half-open)").timers(),
        listing!("10.12", l12_breaker_demo, "The circuit breaker against a slow call: the book's run, then a half-open breaker").timers(),
        listing!("10.12a", l12a_tower_layers, "The same protections from tower: timeout, retry and load-shed layers").takes(&[Flag::Demo, Flag::Port]),
    ],
    sets: &[],
    workers: &[],
    tools: &[],
    options: ChapterOptions::of::<Options>(),
};

/// Options of chapter 10's listings, read with `ctx.options::<Options>()`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// The services (10.1, 10.5–10.8): set a fault switch at start,
    /// SERVICE=MODE (products, inventory, favorites, cart; none, slow,
    /// fail, down), or MODE alone for a service run on its own. Repeatable.
    #[arg(long = "fault", value_name = "SERVICE=MODE", value_parser = parse_fault)]
    pub faults: Vec<FaultSetting>,
    /// 10.7 and the listings that start it: how many products the product
    /// service lists (the book lists all 1000, one inventory call each).
    #[arg(long, value_name = "N", default_value_t = 10, allow_negative_numbers = true,
          value_parser = runner::whole_number::<usize>(1, Some(1000)))]
    pub catalogue: usize,
}

impl Options {
    /// The fault `--fault` sets for `kind` (the last one given wins).
    pub fn fault_for(&self, kind: Kind) -> Fault {
        self.faults
            .iter()
            .rev()
            .find(|setting| setting.service.is_none_or(|service| service == kind))
            .map_or(Fault::None, |setting| setting.fault)
    }
}

/// One `--fault`: a service (or any) and its mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultSetting {
    /// `None`: the service the listing runs alone.
    pub service: Option<Kind>,
    pub fault: Fault,
}

fn parse_fault(value: &str) -> Result<FaultSetting, String> {
    use clap::ValueEnum as _;
    let (service, mode) = match value.split_once('=') {
        Some((service, mode)) => (Some(service), mode),
        None => (None, value),
    };
    let service = service
        .map(|name| {
            Kind::from_str(name, true).map_err(|_| {
                format!("no service '{name}': one of products, inventory, favorites, cart")
            })
        })
        .transpose()?;
    let fault = Fault::from_str(mode, true)
        .map_err(|_| format!("no fault '{mode}': one of none, slow, fail, down"))?;
    Ok(FaultSetting { service, fault })
}

/// A compact JSON answer as the listings print it: as it came (fields in
/// the order the server wrote them), with each item of a list of objects
/// on a line of its own.
pub fn show_json(body: &str) -> String {
    body.replace("[{", "[\n  {")
        .replace("},{", "},\n  {")
        .replace("}]", "}\n]")
}
