//! Listing 6.1 — Two child processes counting in parallel.
//!
//! Each child is this binary re-executed (`__worker count N`), the Rust
//! stand-in for `multiprocessing.Process`: its own process, its own core.
//! The children print their own time and pid; the parent prints the total,
//! which on two cores is close to the longer count, not the sum of both.
//! `--count N` sets the smaller count (the other is twice as far);
//! `--sequential` runs the two children one after the other instead.
//!
//! Run: cargo run -p chapter06 -- 6.1

use shared_util::cpu::BOOK_COUNT;
use shared_util::ctx::worker_command;
use shared_util::timing::Stopwatch;
use shared_util::{Ctx, secs};

use crate::process::ChildProcess;

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let count = ctx.count_or(BOOK_COUNT);
    let start = Stopwatch::start();

    if ctx.options::<crate::Options>().sequential {
        // One after the other, for `compare processes`: the sum of both.
        ChildProcess::spawn(worker_command("count").arg(count.to_string()))?.join()?;
        ChildProcess::spawn(worker_command("count").arg((2 * count).to_string()))?.join()?;
    } else {
        // spawn() returns at once, like Process.start().
        let to_one_hundred_million =
            ChildProcess::spawn(worker_command("count").arg(count.to_string()))?;
        let to_two_hundred_million =
            ChildProcess::spawn(worker_command("count").arg((2 * count).to_string()))?;

        // join() waits for each to exit (and fails if one did not exit cleanly).
        to_one_hundred_million.join()?;
        to_two_hundred_million.join()?;
    }

    println!(
        "Completed in {} seconds (parent process {})",
        secs(start.elapsed()),
        std::process::id()
    );
    Ok(())
}
