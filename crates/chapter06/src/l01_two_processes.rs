//! Listing 6.1 — Two child processes counting in parallel.
//!
//! Each child is this binary re-executed (`__worker count N`), the Rust
//! stand-in for `multiprocessing.Process`: its own process, its own core.
//! The children print their own time and pid; the parent prints the total
//! next to the sum of the two counts' times: on two cores the total is
//! close to the longer count, not the sum. The book's 100 M and 200 M are
//! sized by time here (about 1 s and 2 s on this machine, in any build);
//! `--count N` fixes the smaller count (the other is twice as far);
//! `--sequential` runs the two children one after the other instead.
//!
//! Run: cargo run -p chapter06 -- 6.1

use shared_util::ctx::worker_command;
use shared_util::timing::Stopwatch;
use shared_util::{Ctx, secs};

use crate::process::ChildProcess;

/// Runs a child that counts to `n` and waits for it; returns how long it ran.
fn count_in_a_child(n: u64) -> anyhow::Result<std::time::Duration> {
    let stopwatch = Stopwatch::start();
    ChildProcess::spawn(worker_command("count").arg(n.to_string()))?.join()?;
    Ok(stopwatch.elapsed())
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let work = ctx.cpu_work(shared_util::cpu::BOOK_COUNT_SECONDS);
    println!("process one is {work}");
    println!("process two is {}", work.times(2));
    let count = work.count;
    let start = Stopwatch::start();

    let (one, two) = if ctx.options::<crate::Options>().sequential {
        // One after the other, for `compare processes`: the sum of both.
        (count_in_a_child(count)?, count_in_a_child(2 * count)?)
    } else {
        // Both children start at once, like two Process.start() calls; a
        // thread per child waits for it (join) and times it.
        std::thread::scope(|scope| {
            let one = scope.spawn(|| count_in_a_child(count));
            let two = scope.spawn(|| count_in_a_child(2 * count));
            let one = one.join().expect("a waiting thread panicked");
            let two = two.join().expect("a waiting thread panicked");
            anyhow::Ok((one?, two?))
        })?
    };

    let total = start.elapsed();
    println!(
        "Completed in {} seconds (parent process {})",
        secs(total),
        std::process::id()
    );
    println!(
        "one after the other the two counts would take {} + {} = {} seconds; they took {} together",
        secs(one),
        secs(two),
        secs(one + two),
        secs(total)
    );
    Ok(())
}
