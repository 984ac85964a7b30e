//! Listing 14.6 — A generator driven step by step from the outside.
//!
//! Python's `yield` keeps a function's frame alive between `send`s. Rust's
//! generators are not stable; the same thing is an iterator whose state
//! lives in a closure: `std::iter::from_fn` (for async code,
//! `futures::stream::unfold`). `next()` is `send(None)`, and `None` at the
//! end is `StopIteration`. Two of them advance in turn, as two tasks do on an
//! event loop.
//!
//! Run: cargo run -p chapter14 -- 14.6

use shared_util::Ctx;

/// Yields `start`, `start + 1`, ..., `end - 1`; `next` is the frame kept between steps.
fn generator(start: i32, end: i32) -> impl Iterator<Item = i32> {
    let mut next = start;
    std::iter::from_fn(move || {
        let value = (next < end).then_some(next)?;
        next += 1;
        Some(value)
    })
}

/// One step: the next value, or `None` once the generator is exhausted.
fn run_generator_step(generator: &mut impl Iterator<Item = i32>) -> Option<i32> {
    generator.next()
}

/// How Python prints the step's result.
fn show(value: Option<i32>) -> String {
    value.map_or_else(|| "None".to_owned(), |v| v.to_string())
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut one_to_five = generator(1, 5);
    let mut five_to_ten = generator(5, 10);
    loop {
        let one_to_five_result = run_generator_step(&mut one_to_five);
        let five_to_ten_result = run_generator_step(&mut five_to_ten);
        println!("{}", show(one_to_five_result));
        println!("{}", show(five_to_ten_result));
        if one_to_five_result.is_none() && five_to_ten_result.is_none() {
            break;
        }
    }
    Ok(())
}
