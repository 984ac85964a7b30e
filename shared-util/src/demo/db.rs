//! Connecting to the product database, the way every database listing does
//! it (chapters 5, 8, 9, 10): one connection ([`connect`], asyncpg's
//! `connect`) or a pool of them ([`pool`], `asyncpg.create_pool`).
//!
//! Where the database comes from is the [`Ctx`]'s business
//! (`--database-url`, or the demo database started on first use); what
//! must be in it is the listing's: each asks for a [`Stage`], and what is
//! missing is built first with a note on stderr, so any listing runs on
//! its own, in any order.
//!
//! Nothing waits forever: connecting gives up after 5 s ([`CONNECT_BOUND`]:
//! the TCP connect *and* the start-up exchange, so a server that accepts and
//! never speaks is reported too), a statement after 60 s (the server's
//! `statement_timeout`), a wait for a pooled connection after 30 s. Errors
//! are one line naming the URL, never its password, with the cause
//! (`Connection refused`, an unknown host, ...).

use std::time::Duration;

use anyhow::Context as _;
use deadpool_postgres::{Manager, ManagerConfig, RecyclingMethod};
use futures::future::try_join_all;
use tokio_postgres::{Client, NoTls};

use crate::Ctx;
use crate::demo::database::DatabaseUrl;
pub use crate::demo::database::connect::{
    CONNECT_BOUND, config, explain, no_answer, open, pool_error, with_causes,
};
use crate::demo::products::{self, Stage};

/// A pool of connections (`deadpool_postgres::Pool`), the book's
/// `asyncpg.Pool`.
pub type Pool = deadpool_postgres::Pool;

/// The database a listing wants: how far built, and with which seed for
/// the rows it builds when they are missing.
#[derive(Debug, Clone)]
pub struct Wanted {
    /// `None`: as it is, nothing built.
    pub stage: Option<Stage>,
    /// The seed of the random rows built when missing.
    pub seed: u64,
    /// The name the connections carry (`rust-concurrency-chapter05`), so
    /// a test can count them in `pg_stat_activity`.
    pub application: String,
}

/// One connection, like `asyncpg.connect`, with the database built as
/// `wanted` says. The connection's socket is driven by a task of its own;
/// dropping the `Client` closes it.
pub async fn connect(ctx: &Ctx, wanted: Wanted) -> anyhow::Result<Client> {
    let url = ctx.database_url()?;
    let client = open(&config(&url, &wanted.application), &url).await?;
    build(&client, &wanted).await?;
    Ok(client)
}

/// A pool of `size` connections, all opened before it is returned (the
/// book's `min_size=max_size`), with the database built as `wanted` says.
pub async fn pool(ctx: &Ctx, size: usize, wanted: Wanted) -> anyhow::Result<Pool> {
    pool_at(&ctx.database_url()?, size, wanted).await
}

/// [`pool`] on the server at `url`, for a process with no `Ctx` (6.15's
/// children get the URL on their command line).
pub async fn pool_at(url: &DatabaseUrl, size: usize, wanted: Wanted) -> anyhow::Result<Pool> {
    let url = url.clone();
    let manager = Manager::from_config(
        config(&url, &wanted.application),
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(Duration::from_secs(30)))
        .create_timeout(Some(CONNECT_BOUND))
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .build()
        .context("could not build the connection pool")?;
    let opened = try_join_all((0..size).map(|_| pool.get()))
        .await
        .map_err(|e| pool_error(&url, e))?;
    if let Some(first) = opened.first() {
        build(first, &wanted).await?;
    }
    Ok(pool)
}

/// Builds what `wanted` needs and is missing, saying so on stderr.
async fn build(client: &Client, wanted: &Wanted) -> anyhow::Result<()> {
    let Some(stage) = wanted.stage else {
        return Ok(());
    };
    let built = products::prepare(client, stage, wanted.seed)
        .await
        .context("could not build the product database")?;
    if !built.is_empty() {
        eprintln!(
            "note: the database lacked what this listing reads; built {} first (seed {})",
            built.join(", "),
            wanted.seed
        );
    }
    Ok(())
}
