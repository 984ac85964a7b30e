//! Listing 6.11 — Two processes race on one shared integer.
//!
//! Each child does `value += 1` the way CPython does it: read the value,
//! then write back value + 1 (an atomic load, then an atomic store: a real
//! race, but no undefined behaviour). Both children wait at a shared start
//! line, so their increments try to overlap. Where the book stops at the
//! first wrong answer, this counts the lost increments over 100 runs
//! (`--rounds N`) — and the count may well be 0: the window between the
//! read and the write is a few nanoseconds, so the two processes rarely
//! meet in it. That is the point: a race that passes a hundred runs is
//! still a race, and one day it loses an increment. `--widen` puts some
//! counting between the read and the write, holding the window open, so
//! nearly every run loses one.
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
pub fn race(worker: &str, runs: u64, widen: bool) -> anyhow::Result<Vec<i64>> {
    // Slot 0: the integer; slot 1: the start line both children wait at;
    // slot 2: 6.12's lock.
    let shared = SharedMemory::create(3)?;
    let mut values = Vec::new();
    for _ in 0..runs {
        shared.slots()[0].store(0, SeqCst);
        shared.slots()[1].store(0, SeqCst);
        let child = || {
            let mut command = worker_command(worker);
            command.arg(shared.path());
            if widen {
                command.arg("widen");
            }
            ChildProcess::spawn(&mut command)
        };
        let procs = [child()?, child()?];
        for process in procs {
            process.join()?;
        }
        values.push(shared.slots()[0].load(SeqCst));
    }
    Ok(values)
}

/// The final values, 25 to a line.
pub fn print_values(values: &[i64]) {
    for row in values.chunks(25) {
        println!(
            "{}",
            row.iter().map(i64::to_string).collect::<Vec<_>>().join(" ")
        );
    }
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let runs = ctx.rounds_or(100);
    let widen = ctx.options::<crate::Options>().widen;
    match widen {
        true => println!("the window between read and write is widened (--widen)"),
        false => println!("the natural race: nothing between the read and the write"),
    }
    let values = race("racy-increment", runs, widen)?;
    print_values(&values);
    println!("{} of {runs} runs ended at 1 instead of 2", misses(&values));
    if !widen {
        println!(
            "(few or none may lose: the window is nanoseconds wide; still a race — try --widen)"
        );
    }
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
