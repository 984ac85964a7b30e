//! Listing 6.3 — `apply_async`: both jobs start at once.
//!
//! `submit` queues a job and returns a `Pending` at once (Python's
//! `AsyncResult`); `get` blocks until that job's answer arrives. Both
//! greetings run in parallel on two workers, but the answers are collected
//! in the order we ask for them, whichever finished first.
//!
//! Run: cargo run -p chapter06 -- 6.3

use shared_util::Ctx;

use crate::pool::{ProcessPool, default_size};

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let process_pool = ProcessPool::new(ctx.limit_or(default_size()), &[])?;
    let hi_jeff = process_pool.submit("hello Jeff");
    let hi_john = process_pool.submit("hello John");

    println!("{}", hi_jeff.get()?);
    println!("{}", hi_john.get()?);
    Ok(())
}
