//! Listing 1.5 — fib(40) and fib(41), one after the other.
//!
//! The book's exponential Fibonacci, twice, on one thread, timed. The work
//! is real: `fib` passes its argument through `black_box`, and the time
//! grows about 1.6x with each step of n. `--n N` computes fib(N) and
//! fib(N+1) instead of 40 and 41.
//!
//! Run: cargo run -p chapter01 -- 1.5

use shared_util::timing::Stopwatch;
use shared_util::{Ctx, secs};

use crate::fib::{n_from, print_fib};

fn fibs_no_threading(n: u64) {
    print_fib(n);
    print_fib(n + 1);
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let n = n_from(ctx)?;
    let stopwatch = Stopwatch::start();
    fibs_no_threading(n);
    println!("Completed in {} seconds", secs(stopwatch.elapsed()));
    Ok(())
}
