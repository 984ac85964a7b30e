//! Listing 5.8 — 10,000 queries one after the other vs gathered over the pool.
//!
//! The same `query_product` (5.7), awaited in a loop, then all at once
//! with `join_all` (gather). The pool lets 6 run at a time on 6 server
//! processes; the other futures wait their turn for a connection. The
//! ratio printed at the end is the lesson; on two cores the server's own
//! CPU caps it, which a machine with more cores lifts. `--queries N`,
//! `--pool N`; `--only sequential|concurrent` runs one half.
//!
//! Run: cargo run --release -p chapter05 -- 5.8

use futures::future::join_all;
use shared_util::timing::Stopwatch;
use shared_util::{Ctx, async_timed};

use crate::Way;
use crate::db::{self, Pool, Stage};
use crate::l07_two_queries::query_product;

#[async_timed(skip(pool))]
async fn query_products_synchronously(pool: &Pool, queries: usize) -> anyhow::Result<usize> {
    let mut rows = 0;
    for _ in 0..queries {
        rows += query_product(pool).await?.len();
    }
    Ok(rows)
}

#[async_timed(skip(pool))]
async fn query_products_concurrently(pool: &Pool, queries: usize) -> anyhow::Result<usize> {
    // Each future keeps only its row count, so 10,000 results do not hold
    // a million rows in memory at once.
    let queries =
        (0..queries).map(|_| async { Ok::<_, anyhow::Error>(query_product(pool).await?.len()) });
    let mut rows = 0;
    for result in join_all(queries).await {
        rows += result?;
    }
    Ok(rows)
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let options = ctx.options::<crate::Options>();
    let (queries, only) = (options.queries, options.only);
    let pool = db::pool(ctx, options.pool, Stage::Products).await?;
    println!(
        "{queries} queries, a pool of {} connection(s)",
        options.pool
    );

    let mut took = Vec::new();
    if only != Some(Way::Concurrent) {
        let stopwatch = Stopwatch::start();
        let rows = query_products_synchronously(&pool, queries).await?;
        took.push(stopwatch.elapsed());
        println!("one after the other: {rows} rows");
    }
    if only != Some(Way::Sequential) {
        let stopwatch = Stopwatch::start();
        let rows = query_products_concurrently(&pool, queries).await?;
        took.push(stopwatch.elapsed());
        println!("gathered: {rows} rows");
    }
    if let [sequential, concurrent] = took[..] {
        println!(
            "gathered over the pool: {:.1}x as fast as one after the other",
            sequential.as_secs_f64() / concurrent.as_secs_f64()
        );
    }
    pool.close();
    Ok(())
}
