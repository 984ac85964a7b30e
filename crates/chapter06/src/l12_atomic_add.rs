//! Listing 6.12 — The same race, fixed: always 2.
//!
//! The book's fix takes the shared value's lock around the read and the
//! write, so the other process cannot slip in between. The lock here lives
//! in the shared memory too (one word: 0 free, 1 held, taken with a
//! compare-and-swap), and it holds even with 6.11's `--widen` window,
//! which this listing always uses. Then Rust's usual answer: an atomic
//! `fetch_add` does the read, the add and the write as one indivisible
//! step, in hardware, so no lock is needed at all. Both children still
//! meet at the start line, exactly as in 6.11.
//!
//! Run: cargo run -p chapter06 -- 6.12

use shared_util::Ctx;

use crate::l11_race::{misses, print_values, race};

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let runs = ctx.rounds_or(100);
    for (how, worker, widen) in [
        (
            "with a lock around the read and the widened write",
            "lock-increment",
            true,
        ),
        ("with an atomic fetch_add", "atomic-increment", false),
    ] {
        println!("{how}:");
        let values = race(worker, runs, widen)?;
        print_values(&values);
        let missed = misses(&values);
        anyhow::ensure!(
            missed == 0,
            "{missed} of {runs} runs {how} lost an increment"
        );
        println!("all {runs} runs ended at 2");
    }
    Ok(())
}
