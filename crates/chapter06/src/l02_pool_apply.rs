//! Listing 6.2 — A process pool's blocking `apply`.
//!
//! `ProcessPool` (src/pool.rs) starts one worker process per core (`--limit
//! N` to choose) and sends each a job as one line of text, the way Python
//! pickles a function call. `apply` waits for the answer, so the two
//! greetings are computed one after the other. Dropping the pool at the end
//! of `run` kills and reaps its workers, like leaving `with Pool()`.
//!
//! Run: cargo run -p chapter06 -- 6.2

use shared_util::Ctx;

use crate::pool::{ProcessPool, default_size};

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let process_pool = ProcessPool::new(ctx.limit_or(default_size()), &[])?;
    let hi_jeff = process_pool.apply("hello Jeff")?;
    let hi_john = process_pool.apply("hello John")?;

    println!("{hi_jeff}");
    println!("{hi_john}");
    println!(
        "({} worker processes: {:?})",
        process_pool.size(),
        process_pool.pids()
    );
    Ok(())
}
