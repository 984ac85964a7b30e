//! Listing 1.7 — Two blocking GETs, one after the other.
//!
//! `ureq` blocks the calling thread like Python's `requests`. Each request
//! goes to the demo server's `/delay/250` (250 ms standing in for a distant
//! site; `--url` uses a real one), so the pair takes about half a second
//! and the server never sees two requests at once.
//!
//! Run: cargo run -p chapter01 -- 1.7

use shared_util::timing::Stopwatch;
use shared_util::{Ctx, secs};

fn read_example(url: &str) -> anyhow::Result<()> {
    let response = ureq::get(url).call()?;
    println!("{}", response.status().as_u16());
    Ok(())
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let url = ctx.url_for("/delay/250")?;
    let stopwatch = Stopwatch::start();

    read_example(&url)?;
    read_example(&url)?;

    println!(
        "Running synchronously took {} seconds",
        secs(stopwatch.elapsed())
    );
    if let Some(server) = ctx.local_server() {
        println!(
            "the server saw at most {} request(s) at once",
            server.stats().peak_in_flight
        );
    }
    Ok(())
}
