//! Listing 6.4 — `map`: results in input order.
//!
//! Workers print `Finished counting ...` as they finish, in any order; `map`
//! hands the results back in the order of the input. The big count comes
//! first here (about a second of counting on this machine; `--count N`
//! fixes it), so the small ones, finished long
//! before, wait behind it: the limit the book points out. Then the same map
//! on rayon's threads, Rust's usual answer: `par_iter` also keeps the order.
//!
//! Run: cargo run -p chapter06 -- 6.4

use rayon::prelude::*;
use shared_util::Ctx;
use shared_util::cpu::count_to;

use crate::pool::{ProcessPool, default_size};

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let work = ctx.cpu_work(shared_util::cpu::BOOK_COUNT_SECONDS);
    println!("the big job is {work}");
    let numbers = [work.count, 1, 3, 5, 22];

    let process_pool = ProcessPool::new(ctx.limit_or(default_size()), &[])?;
    for result in process_pool.map(numbers.map(|n| format!("count {n}"))) {
        println!("{}", result?);
    }
    drop(process_pool);

    println!("the same map on rayon threads:");
    let counts: Vec<u64> = numbers.par_iter().map(|&n| count_to(n)).collect();
    println!("{counts:?}");
    Ok(())
}
