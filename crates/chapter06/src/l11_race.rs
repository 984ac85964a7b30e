//! Listing 6.11 — Two processes race on one shared integer.
//!
//! Each child does `value += 1` the way CPython does it: read the value,
//! then write back value + 1 (an atomic load, a pause, an atomic store: a
//! real race, but no undefined behaviour). Both children wait at a shared
//! start line, so their increments overlap. Where the book stops at the
//! first wrong answer, this counts them over 100 runs (`--rounds N`).
//!
//! Run: cargo run -p chapter06 -- 6.11

use std::sync::atomic::Ordering::SeqCst;

use shared_util::Ctx;
use shared_util::ctx::worker_command;

use crate::process::ChildProcess;
use crate::shared::SharedMemory;

/// How many runs did not end at 2: an increment was lost.
pub fn misses(values: &[i64]) -> usize {
    values.iter().filter(|&&value| value != 2).count()
}

/// Runs two `worker` processes on a fresh counter `runs` times; returns the
/// final values. Shared with listing 6.12.
pub fn race(worker: &str, runs: u64) -> anyhow::Result<Vec<i64>> {
    // Slot 0: the integer; slot 1: the start line both children wait at.
    let shared = SharedMemory::create(2)?;
    let mut values = Vec::new();
    for _ in 0..runs {
        shared.slots()[0].store(0, SeqCst);
        shared.slots()[1].store(0, SeqCst);
        let procs = [
            ChildProcess::spawn(worker_command(worker).arg(shared.path()))?,
            ChildProcess::spawn(worker_command(worker).arg(shared.path()))?,
        ];
        for process in procs {
            process.join()?;
        }
        values.push(shared.slots()[0].load(SeqCst));
    }
    Ok(values)
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let runs = ctx.rounds_or(100);
    let values = race("racy-increment", runs)?;
    for row in values.chunks(25) {
        println!(
            "{}",
            row.iter().map(i64::to_string).collect::<Vec<_>>().join(" ")
        );
    }
    println!("{} of {runs} runs ended at 1 instead of 2", misses(&values));
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn misses_counts_every_run_that_did_not_reach_2() {
        assert_eq!(super::misses(&[2, 1, 2, 1, 1]), 3);
        assert_eq!(super::misses(&[2, 2]), 0);
        assert_eq!(super::misses(&[]), 0);
    }
}
