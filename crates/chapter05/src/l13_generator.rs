//! Listing 5.13 — A plain generator: an `Iterator`, pulled twice.
//!
//! Python's `yield` makes a generator; Rust's nearest thing is an
//! `Iterator`, here a range returned as `impl Iterator`. Nothing runs until
//! `next()` asks for a value, and each `next()` gives one, as an `Option`:
//! `Some(value)` while there are values, `None` at the end, where Python's
//! `next` raises `StopIteration`; the run unwraps it to print `0` and `1`
//! as the book does. (Rust's own `gen` blocks are still unstable.)
//!
//! Run: cargo run -p chapter05 -- 5.13

use shared_util::Ctx;

fn positive_integers(until: u64) -> impl Iterator<Item = u64> {
    0..until
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut positive_iterator = positive_integers(2);

    // next() gives Some(0), then Some(1); a third call would give None.
    for _ in 0..2 {
        if let Some(integer) = positive_iterator.next() {
            println!("{integer}");
        }
    }
    Ok(())
}
