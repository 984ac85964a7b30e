//! Listing 5.7 — A pool of 6: two queries at once, each on its own connection.
//!
//! On one asyncpg connection, two queries at once fail ("another operation
//! is in progress"). tokio-postgres allows it, with no error and no
//! compile error: `Client` methods take `&self` and the driver queues both
//! on the one socket, so the server still runs them one after the other.
//! A pool (deadpool-postgres, asyncpg's `create_pool`) gives each query a
//! connection, and a server process, of its own: the pids printed differ.
//!
//! Run: cargo run -p chapter05 -- 5.7

use shared_util::Ctx;
use shared_util::demo::products::PRODUCT_QUERY;
use tokio_postgres::Row;

use crate::db::{self, Pool, Stage};

/// Borrows a connection for one query and gives it back when dropped, as
/// `async with pool.acquire()` does. Returns the product's rows, one per
/// SKU.
pub async fn query_product(pool: &Pool) -> anyhow::Result<Vec<Row>> {
    let connection = pool.get().await?;
    // Prepared once per connection, then reused, as asyncpg caches them.
    let statement = connection.prepare_cached(PRODUCT_QUERY).await?;
    Ok(connection.query(&statement, &[]).await?)
}

/// The same, also asking which server process ran it: two queries at
/// once on one connection, pipelined, not an error.
async fn query_product_showing_process(pool: &Pool) -> anyhow::Result<(i32, usize)> {
    let connection = pool.get().await?;
    let statement = connection.prepare_cached(PRODUCT_QUERY).await?;
    let (process, rows) = tokio::try_join!(
        connection.query_one("SELECT pg_backend_pid()", &[]),
        connection.query(&statement, &[]),
    )?;
    Ok((process.get(0), rows.len()))
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let size = ctx.options::<crate::Options>().pool;
    let pool = db::pool(ctx, size, Stage::Products).await?;
    println!("a pool of {size} connection(s)");

    let (first, second) = tokio::try_join!(
        query_product_showing_process(&pool),
        query_product_showing_process(&pool),
    )?;
    for (process, rows) in [first, second] {
        println!("server process {process}: {rows} row(s) for product 100");
    }
    pool.close();
    Ok(())
}
