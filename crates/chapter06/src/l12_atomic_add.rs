//! Listing 6.12 — The same race, fixed: always 2.
//!
//! The book takes the value's lock around the read and the write. An atomic
//! `fetch_add` does the read, the add and the write as one indivisible
//! step, in hardware, so no lock is needed and no increment is lost. Both
//! children still meet at the start line, exactly as in 6.11.
//!
//! Run: cargo run -p chapter06 -- 6.12

use shared_util::Ctx;

use crate::l11_race::{misses, race};

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let runs = ctx.rounds_or(100);
    let values = race("atomic-increment", runs)?;
    for row in values.chunks(25) {
        println!(
            "{}",
            row.iter().map(i64::to_string).collect::<Vec<_>>().join(" ")
        );
    }
    let missed = misses(&values);
    anyhow::ensure!(
        missed == 0,
        "{missed} of {runs} atomic runs lost an increment"
    );
    println!("all {runs} runs ended at 2");
    Ok(())
}
