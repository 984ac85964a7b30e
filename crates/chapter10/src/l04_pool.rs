//! Listing 10.4 — One way for every service to make and close its pool.
//!
//! Each database-backed service opens a pool of six connections to its own
//! database when it starts and closes it when it stops. aiohttp keeps the
//! pool in the app's dictionary under a key, filled by a startup hook; in
//! Rust the pool is a value handed to the router as its state
//! (`Router::with_state`), so a handler cannot ask for a pool that was never
//! made. deadpool-postgres stands in for asyncpg's pool. The run opens the
//! three services' pools, asks the server how many connections each holds,
//! and closes them.
//!
//! Run: cargo run -p chapter10 -- 10.4

use std::time::Duration;

use anyhow::Context as _;
use deadpool_postgres::{Manager, ManagerConfig, RecyclingMethod};
use futures::future::try_join_all;
use shared_util::Ctx;

use crate::db::{self, Database};
use crate::l02_schemas;

/// A pool of connections to one service's database.
pub type Pool = deadpool_postgres::Pool;

/// The book's `min_size=6, max_size=6`.
pub const POOL_SIZE: usize = 6;

/// Opens a pool of [`POOL_SIZE`] connections to `database`, every one of
/// them before returning (so a bad URL fails at start, not at the first
/// request), after making sure the database holds what its service reads.
pub async fn create_database_pool(ctx: &Ctx, database: Database) -> anyhow::Result<Pool> {
    db::ensure(ctx, database, l02_schemas::table_of(database)).await?;
    let manager = Manager::from_config(
        db::config(ctx, database)?,
        tokio_postgres::NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(POOL_SIZE)
        .wait_timeout(Some(Duration::from_secs(10)))
        .create_timeout(Some(shared_util::demo::db::CONNECT_BOUND))
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .build()?;
    let name = database.name(ctx)?;
    let url = ctx.database_url()?;
    try_join_all((0..POOL_SIZE).map(|_| pool.get()))
        .await
        .map_err(|e| shared_util::demo::db::pool_error(&url, e))
        .with_context(|| format!("could not open the pool to database '{name}'"))?;
    Ok(pool)
}

/// Closes the pool: its connections end now, and any later `get` fails.
pub fn destroy_database_pool(pool: &Pool) {
    pool.close();
}

/// How many connections the server has open to `name` from this process
/// (by the name they carry, [`db::application_name`]), apart from the one
/// asking: other programs on the same server are not counted.
async fn connections_to(ctx: &Ctx, name: &str) -> anyhow::Result<i64> {
    let client = db::connect(ctx, Database::Products).await?;
    let row = client
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND pid <> pg_backend_pid()",
            &[&name, &db::application_name()],
        )
        .await?;
    Ok(row.get(0))
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    for database in [Database::Products, Database::Favorites, Database::Cart] {
        let name = database.name(ctx)?;
        let pool = create_database_pool(ctx, database).await?;
        let status = pool.status();
        println!(
            "pool for {name}: {} connection(s) open, the server counts {}",
            status.size,
            connections_to(ctx, &name).await?
        );
        destroy_database_pool(&pool);
        // The server sees a connection go once its socket is closed; give
        // it a moment (bounded) to notice.
        let mut left = connections_to(ctx, &name).await?;
        for _ in 0..50 {
            if left == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            left = connections_to(ctx, &name).await?;
        }
        println!("pool for {name}: closed, the server counts {left}");
    }
    Ok(())
}
