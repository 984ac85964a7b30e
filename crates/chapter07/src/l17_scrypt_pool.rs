//! Listing 7.17 — The same hashing on a thread pool, against one thread.
//!
//! The book's twist: Python threads *can* speed up CPU work when the work
//! releases the GIL, as `hashlib.scrypt` (OpenSSL) does. Rust has no GIL,
//! so any CPU work spreads over threads; a rayon pool sized to the cores
//! hashes the passwords, and a counter per password proves each was hashed
//! exactly once. Prints both times, the speedup and the cores used
//! (`--only pool` hashes on the pool alone, for `compare hashing`;
//! `--limit N` sizes the pool, for `compare scaling`).
//!
//! Run: cargo run --release -p chapter07 -- 7.17

use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;
use shared_util::timing::Stopwatch;
use shared_util::{Ctx, secs};

use crate::hashing::{hash, per_hash_ms, random_passwords, show_and_verify};
use crate::pools::thread_pool;

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let passwords = random_passwords(ctx.options::<crate::Options>().passwords as usize);
    let count = passwords.len();
    // The pool's size: the cores, or `--limit N` (`compare scaling` grows it).
    let cores = ctx.limit_or(std::thread::available_parallelism().map_or(1, usize::from));

    // `--only pool` skips the one-thread run, for `compare hashing`.
    let pool_only = match ctx.options::<crate::Options>().only.as_deref() {
        None => false,
        Some("pool") => true,
        Some(other) => {
            return Err(shared_util::usage(format!(
                "--only takes pool for 7.17, not '{other}'"
            )));
        }
    };
    let mut sequential = None;
    if !pool_only {
        let bar = shared_util::progress::bar(count as u64, "hashes, one thread");
        let start = Stopwatch::start();
        for password in &passwords {
            hash(password)?;
            bar.inc(1);
        }
        let took = start.elapsed();
        bar.finish_and_clear();
        println!(
            "one thread: {count} hashes in {} second(s), {:.3} ms per hash",
            secs(took),
            per_hash_ms(took, count)
        );
        sequential = Some(took);
    }

    let pool = thread_pool(cores)?;
    let times_hashed: Vec<AtomicU32> = passwords.iter().map(|_| AtomicU32::new(0)).collect();
    let bar = shared_util::progress::bar(count as u64, "hashes, pool");
    let start = Stopwatch::start();
    let hashes = pool.install(|| {
        passwords
            .par_iter()
            .enumerate()
            .map(|(i, password)| {
                times_hashed[i].fetch_add(1, Ordering::Relaxed);
                bar.inc(1);
                hash(password)
            })
            .collect::<anyhow::Result<Vec<_>>>()
    })?;
    let pooled = start.elapsed();
    bar.finish_and_clear();
    println!(
        "a pool of {cores} threads: {count} hashes in {} second(s), {:.3} ms per hash",
        secs(pooled),
        per_hash_ms(pooled, count)
    );
    if let Some(sequential) = sequential {
        let speedup = sequential.as_secs_f64() / pooled.as_secs_f64().max(f64::EPSILON);
        println!(
            "speedup {speedup:.2}x on {cores} core(s): parallel efficiency {:.0}%",
            100.0 * speedup / cores as f64
        );
    }
    let once = times_hashed
        .iter()
        .filter(|n| n.load(Ordering::Relaxed) == 1)
        .count();
    println!("{once} of {count} passwords hashed exactly once by the pool");
    if let (Some(password), Some(hashed)) = (passwords.last(), hashes.last()) {
        show_and_verify(password, hashed)?;
    }
    Ok(())
}
