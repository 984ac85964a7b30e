//! The book's deliberately slow Fibonacci, shared by listings 1.5 and 1.6.

use std::hint::black_box;

/// The naive recursive Fibonacci, exponential on purpose: fib(1) = 0,
/// fib(2) = 1, as the book counts. `black_box` keeps the compiler from
/// folding the recursion away, so the time measured is real work.
pub fn fib(n: u64) -> u64 {
    match black_box(n) {
        0 | 1 => 0,
        2 => 1,
        n => fib(n - 1) + fib(n - 2),
    }
}

/// Computes fib(`number`) and prints it the way the book does.
pub fn print_fib(number: u64) {
    println!("fib({number}) is {}", fib(number));
}

/// The book's n: fib(40) and fib(41). `--n N` runs fib(N) and fib(N+1).
pub const BOOK_N: u64 = 40;

/// The largest `--n`: fib(61) and up would run for hours.
pub const MAX_N: u64 = 60;

/// `--n` (clap has checked it is 1..=MAX_N).
pub fn n_from(ctx: &shared_util::Ctx) -> anyhow::Result<u64> {
    Ok(ctx.options::<crate::Options>().n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fib_counts_like_the_book() {
        let first: Vec<u64> = (1..=8).map(super::fib).collect();
        assert_eq!(first, [0, 1, 1, 2, 3, 5, 8, 13]);
        assert_eq!(super::fib(25), 46_368);
    }
}
