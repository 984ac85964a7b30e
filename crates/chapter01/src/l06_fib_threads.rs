//! Listing 1.6 — fib(40) and fib(41) on two threads.
//!
//! In the book this is no faster than 1.5: CPython's GIL lets only one
//! thread run Python bytecode at a time. Rust has no GIL, so on two cores
//! the two threads really run at once and the total is close to the longer
//! of the two, not their sum. `--n N` changes n as in 1.5.
//!
//! Run: cargo run -p chapter01 -- 1.6

use shared_util::timing::Stopwatch;
use shared_util::{Ctx, secs};

use crate::fib::{n_from, print_fib};

fn fibs_with_threads(n: u64) -> anyhow::Result<()> {
    let thread_1 = std::thread::spawn(move || print_fib(n));
    let thread_2 = std::thread::spawn(move || print_fib(n + 1));

    thread_1
        .join()
        .map_err(|_| anyhow::anyhow!("thread 1 panicked"))?;
    thread_2
        .join()
        .map_err(|_| anyhow::anyhow!("thread 2 panicked"))?;
    Ok(())
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let n = n_from(ctx)?;
    let stopwatch = Stopwatch::start();
    fibs_with_threads(n)?;
    println!("Threads took {} seconds", secs(stopwatch.elapsed()));
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "(Python: about as slow as 1.5, the GIL runs one thread at a time; \
         Rust on {cores} core(s): compare with 1.5's time)"
    );
    Ok(())
}
