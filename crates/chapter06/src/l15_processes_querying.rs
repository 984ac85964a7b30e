//! Listing 6.15 — Several processes, each with its own runtime and pool.
//!
//! Chapter 5's queries, 10,000 per process, in 5 processes at once, each
//! with its own runtime and pool: the book spreads asyncpg's client work
//! over cores this way. Each child is this binary re-run (`__worker
//! query-products`) with the database's URL, so all meet one server. One
//! process alone first, then all at once; on two cores the server's own
//! work dominates. `--queries N`, `--processes N`.
//!
//! Run: cargo run --release -p chapter06 -- 6.15

use std::io::BufRead as _;
use std::process::Stdio;
use std::time::Duration;

use shared_util::ctx::worker_command;
use shared_util::products::{self, Stage};
use shared_util::timing::Stopwatch;
use shared_util::{Ctx, secs};

use crate::process::ChildProcess;

/// Runs `processes` children at once, each querying `queries` times over
/// a pool of 6; echoes what they print; returns the rows they retrieved.
fn query_in_processes(url: &str, processes: usize, queries: usize) -> anyhow::Result<usize> {
    let mut children = Vec::new();
    for _ in 0..processes {
        let mut command = worker_command("query-products");
        command
            .args([url, &queries.to_string(), "6"])
            .stdout(Stdio::piped());
        children.push(ChildProcess::spawn(&mut command)?);
    }
    let mut retrieved = 0;
    for mut child in children {
        let stdout = child.take_stdout().expect("piped above");
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line?;
            match line.strip_prefix("retrieved ") {
                Some(count) => retrieved += count.parse::<usize>()?,
                None => println!("  process {}: {line}", child.id()),
            }
        }
        child.join()?;
    }
    Ok(retrieved)
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let options = ctx.options::<crate::Options>();
    let url = ctx.database_url()?;
    // Built once here, so the children only query.
    products::prepare_blocking(&url, Stage::Products, products::DEFAULT_SEED)?;

    let stopwatch = Stopwatch::start();
    let alone = query_in_processes(url.as_str(), 1, options.queries)?;
    let one = stopwatch.elapsed();
    println!("one process: {alone} queries in {} second(s)", secs(one));

    let stopwatch = Stopwatch::start();
    let total_queries = query_in_processes(url.as_str(), options.processes, options.queries)?;
    let all = stopwatch.elapsed();
    println!(
        "{} processes at once: {total_queries} queries in {} second(s)",
        options.processes,
        secs(all)
    );
    println!("Retrieved {total_queries} products the product database.");
    let rate = |queries: usize, took: Duration| queries as f64 / took.as_secs_f64();
    println!(
        "queries per second: {:.0} in one process, {:.0} in {}",
        rate(alone, one),
        rate(total_queries, all),
        options.processes
    );
    Ok(())
}
