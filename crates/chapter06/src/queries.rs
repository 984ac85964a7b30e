//! Listing 6.15's child: one process, one runtime, one pool, querying.
//!
//! The book's `run_in_new_loop`: every child process starts an event loop
//! of its own and a pool of its own, and gathers its share of chapter 5's
//! product queries. Here the child is this binary re-run as
//! `__worker query-products URL QUERIES POOL`; it builds a current-thread
//! Tokio runtime and a deadpool-postgres pool (`shared_util::db`), and reports the rows it
//! got as one `retrieved N` line for the parent to add up.

use futures::future::try_join_all;
use shared_util::async_timed;
use shared_util::db::{Pool, Wanted};
use shared_util::demo_db::DatabaseUrl;
use shared_util::products::{DEFAULT_SEED, PRODUCT_QUERY};

use crate::process::die_with_parent;

/// Borrows a connection from the pool for one query (5.7's `query_product`).
async fn query_product(pool: &Pool) -> anyhow::Result<usize> {
    let connection = pool.get().await?;
    let statement = connection.prepare_cached(PRODUCT_QUERY).await?;
    Ok(connection.query(&statement, &[]).await?.len())
}

#[async_timed(skip(pool))]
async fn query_products_concurrently(pool: &Pool, queries: usize) -> anyhow::Result<usize> {
    let queries = (0..queries).map(|_| query_product(pool));
    Ok(try_join_all(queries).await?.len())
}

/// `query-products URL QUERIES POOL`: the child's `main`.
pub fn worker(args: &[String]) -> anyhow::Result<()> {
    die_with_parent();
    let [url, queries, pool_size] = args else {
        anyhow::bail!("query-products takes URL QUERIES POOL");
    };
    let url = DatabaseUrl::parse(url).map_err(anyhow::Error::msg)?;
    let (queries, pool_size): (usize, usize) = (queries.parse()?, pool_size.parse()?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let products = runtime.block_on(async {
        // The parent built the database; the child only reads it.
        let wanted = Wanted {
            stage: None,
            seed: DEFAULT_SEED,
            application: "rust-concurrency-chapter06".into(),
        };
        let pool = shared_util::db::pool_at(&url, pool_size, wanted).await?;
        let products = query_products_concurrently(&pool, queries).await;
        pool.close();
        products.map_err(|e| e.context(format!("querying {url}")))
    })?;
    println!("retrieved {products}");
    Ok(())
}
