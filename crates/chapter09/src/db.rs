//! The chapter's database: the pool every async server makes at start-up
//! and closes at shutdown, and the blocking connection of the WSGI-style
//! server.
//!
//! [`pool`] is the book's `asyncpg.create_pool(min_size=6, max_size=6)`
//! (`--pool`), [`blocking_client`] is `psycopg2.connect`. Where the
//! database comes from is the `Ctx`'s business (`--database-url`, or the
//! demo database started on first use); the product rows chapter 5 builds
//! are built first when missing, with a note on stderr, so every listing
//! runs on its own. Nothing waits forever: connecting gives up after 5 s,
//! a statement after 30 s, a wait for a pooled connection after 30 s.

use std::time::Duration;

use anyhow::Context as _;
use deadpool_postgres::{Manager, ManagerConfig, RecyclingMethod};
use futures::future::try_join_all;
use serde::Serialize;
use shared_util::Ctx;
use shared_util::demo_db::DatabaseUrl;
use shared_util::products::{self, Stage};
use tokio_postgres::NoTls;

/// A pool of connections, the book's `asyncpg.Pool`.
pub type Pool = deadpool_postgres::Pool;

/// What this process's connections call themselves in
/// `pg_stat_activity`, `rust-concurrency-chapter09-PID`, so a test can
/// count them (and see that shutdown closed them all).
pub fn application_name() -> String {
    format!("rust-concurrency-chapter09-{}", std::process::id())
}

/// The brands query of 9.2, 9.5 and 9.8.
pub const BRAND_QUERY: &str = "SELECT brand_id, brand_name FROM brand ORDER BY brand_id";

/// One row of `brand`, as the brands endpoints answer it.
#[derive(Debug, Serialize)]
pub struct Brand {
    /// The key.
    pub brand_id: i32,
    /// The name.
    pub brand_name: String,
}

/// The driver's settings: the URL and the bounds.
fn config(url: &DatabaseUrl) -> tokio_postgres::Config {
    let mut config = url.config();
    config
        .connect_timeout(Duration::from_secs(5))
        .options("-c statement_timeout=30000")
        .application_name(application_name());
    config
}

/// Makes the pool of `--pool` connections, all opened before it returns,
/// with the product database built if it is missing: the book's
/// `create_database_pool`, run before the server takes its first request.
pub async fn pool(ctx: &Ctx) -> anyhow::Result<Pool> {
    let size = ctx.options::<crate::Options>().pool;
    let url = ctx.database_url()?;
    let manager = Manager::from_config(
        config(&url),
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(Duration::from_secs(30)))
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .build()
        .context("could not build the connection pool")?;
    let opened = try_join_all((0..size).map(|_| pool.get()))
        .await
        .map_err(|e| anyhow::anyhow!("could not open the pool's connections to {url}: {e}"))?;
    let built = products::prepare(&opened[0], Stage::Products, seed(ctx))
        .await
        .context("could not build the product database")?;
    note_built(&built);
    Ok(pool)
}

/// Closes every connection of the pool: the book's `pool.close()`, run
/// after the server stopped. Returns how many it closed.
pub fn close(pool: &Pool) -> usize {
    let open = pool.status().size;
    pool.close();
    open
}

/// One blocking connection (`psycopg2.connect`), for a thread of the
/// WSGI-style server. The `postgres` crate is tokio-postgres behind a
/// blocking API.
pub fn blocking_client(url: &DatabaseUrl) -> anyhow::Result<postgres::Client> {
    postgres::Config::from(config(url))
        .connect(postgres::NoTls)
        .map_err(|e| anyhow::anyhow!("cannot connect to {url}: {e}"))
}

/// Builds the product database if it is missing, from code that is not
/// async (the blocking server).
pub fn prepare_blocking(ctx: &Ctx) -> anyhow::Result<DatabaseUrl> {
    let url = ctx.database_url()?;
    let built = products::prepare_blocking(&url, Stage::Products, seed(ctx))
        .with_context(|| format!("could not build the product database at {url}"))?;
    note_built(&built);
    Ok(url)
}

fn seed(ctx: &Ctx) -> u64 {
    ctx.options::<crate::Options>().seed
}

fn note_built(built: &[String]) {
    if !built.is_empty() {
        eprintln!(
            "note: the database lacked the book's products; built {} first",
            built.join(", ")
        );
    }
}
