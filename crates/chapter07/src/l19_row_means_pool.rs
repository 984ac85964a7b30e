//! Listing 7.19 — The row means on a thread pool, against one thread.
//!
//! The book hands each row to a `ThreadPoolExecutor`, which helps because
//! NumPy releases the GIL inside `mean`. Rust has no GIL: rayon's pool
//! takes one row per task on every core. Summing is limited by memory
//! bandwidth as much as by the cores, so expect less than a full speedup.
//!
//! Run: cargo run --release -p chapter07 -- 7.19

use rayon::prelude::*;
use shared_util::Ctx;

use crate::l18_row_means::{matrix, mean, report};
use crate::pools::thread_pool;

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let matrix = matrix(ctx)?;
    let start = std::time::Instant::now();
    let sequential: Vec<f64> = matrix.iter().map(|row| mean(row)).collect();
    let t1 = start.elapsed().as_secs_f64();
    report("one thread", &sequential, t1);

    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let pool = thread_pool(cores)?;
    let start = std::time::Instant::now();
    let pooled: Vec<f64> = pool.install(|| matrix.par_iter().map(|row| mean(row)).collect());
    let tn = start.elapsed().as_secs_f64();
    report(&format!("a pool of {cores} threads"), &pooled, tn);
    anyhow::ensure!(sequential == pooled, "the pool's means differ");
    println!(
        "speedup {:.2}x; both give the same means",
        t1 / tn.max(f64::EPSILON)
    );
    Ok(())
}
