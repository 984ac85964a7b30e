//! Listing 6.13 — Pool workers initialised with a shared counter.
//!
//! Python cannot pickle a `Value` into a job, so the book hands it to each
//! worker once, in the pool's initializer. Here the initializer is the
//! worker's start-up argument: the shared file's path, mapped once per
//! worker. Every job then increments the same counter.
//!
//! Run: cargo run -p chapter06 -- 6.13

use std::sync::atomic::Ordering::SeqCst;

use futures::future::join_all;
use shared_util::Ctx;

use crate::pool::{ProcessPool, default_size};
use crate::shared::SharedMemory;

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let counter = SharedMemory::create(1)?;
    let pool = ProcessPool::new(ctx.limit_or(default_size()), &[counter.path()])?;

    pool.submit("increment").await?;
    println!("{}", counter.slots()[0].load(SeqCst));

    let jobs = ctx.rounds_or(10);
    for result in join_all((0..jobs).map(|_| pool.submit("increment"))).await {
        result?;
    }
    println!(
        "{} ({} more increments across {} workers)",
        counter.slots()[0].load(SeqCst),
        jobs,
        pool.size()
    );
    Ok(())
}
