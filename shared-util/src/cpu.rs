//! Honest CPU-bound work for the listings that need some.
//!
//! The book counts to 100 million in a Python loop to keep a core busy for
//! seconds. An optimising compiler would turn the same Rust loop into a
//! constant, so [`count_to`] passes the bound and every step through
//! [`std::hint::black_box`]: the loop really runs, one add at a time.

use std::hint::black_box;

/// Counts from zero to `n` one step at a time and returns the count.
///
/// ```
/// assert_eq!(shared_util::cpu::count_to(1_000), 1_000);
/// ```
pub fn count_to(n: u64) -> u64 {
    let mut counter = 0u64;
    for _ in 0..black_box(n) {
        counter = black_box(counter + 1);
    }
    counter
}

/// The book's count for CPU-bound demos.
pub const BOOK_COUNT: u64 = 100_000_000;
