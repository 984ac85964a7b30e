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
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls};

use crate::Ctx;
use crate::demo_db::DatabaseUrl;
use crate::products::{self, Stage};

/// A pool of connections (`deadpool_postgres::Pool`), the book's
/// `asyncpg.Pool`.
pub type Pool = deadpool_postgres::Pool;

/// The longest a connection may take to open: TCP connect, start-up and
/// authentication together.
pub const CONNECT_BOUND: Duration = Duration::from_secs(5);

/// The driver's settings for this run: the URL, and the bounds.
/// `application` names the connections in `pg_stat_activity`. For a
/// blocking client too: `postgres::Config::from(config(..))`.
pub fn config(url: &DatabaseUrl, application: &str) -> tokio_postgres::Config {
    let mut config = url.config();
    config
        .connect_timeout(CONNECT_BOUND)
        .options("-c statement_timeout=60000")
        .application_name(application);
    config
}

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

/// Opens one connection with `config` (to the server of `url`, named in
/// errors), bounded by [`CONNECT_BOUND`] from the first byte to the last
/// of the start-up exchange; its socket is driven by a task of its own.
pub async fn open(config: &tokio_postgres::Config, url: &DatabaseUrl) -> anyhow::Result<Client> {
    let (client, connection) = tokio::time::timeout(CONNECT_BOUND, config.connect(NoTls))
        .await
        .map_err(|_| no_answer(url))?
        .map_err(|e| explain(url, &e))?;
    tokio::spawn(connection);
    Ok(client)
}

/// The error for a server that took the connection but did not finish the
/// start-up within [`CONNECT_BOUND`].
pub fn no_answer(url: &DatabaseUrl) -> anyhow::Error {
    anyhow::anyhow!(
        "the server at {url} took the connection but did not answer as PostgreSQL within {} s (is it a PostgreSQL server, and not overloaded?)",
        CONNECT_BOUND.as_secs()
    )
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

/// One line for a pool that could not hand out a connection: the
/// connection's own error, or which bound ran out.
pub fn pool_error(url: &DatabaseUrl, error: deadpool_postgres::PoolError) -> anyhow::Error {
    use deadpool_postgres::{PoolError, TimeoutType};
    match error {
        PoolError::Backend(e) => explain(url, &e),
        PoolError::Timeout(TimeoutType::Create) => no_answer(url),
        PoolError::Timeout(TimeoutType::Wait) => anyhow::anyhow!(
            "every pooled connection to {url} stayed busy for 30 s: no connection was free"
        ),
        other => anyhow::anyhow!("could not get a pooled connection to {url}: {other}"),
    }
}

/// `error` and each error beneath it, joined by `: ` (tokio-postgres says
/// "error connecting to server" and keeps the reason, "Connection refused"
/// or an unknown host, in its source).
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        cause = inner.source();
    }
    text
}

/// One line for a failed connection: unreachable, refused, or no such
/// database, with the URL (password hidden), the cause and what to do.
pub fn explain(url: &DatabaseUrl, error: &tokio_postgres::Error) -> anyhow::Error {
    let Some(db) = error.as_db_error() else {
        return anyhow::anyhow!(
            "cannot reach the PostgreSQL server at {url}: {}",
            with_causes(error)
        );
    };
    if *db.code() == SqlState::INVALID_CATALOG_NAME {
        anyhow::anyhow!(
            "{} at {url}: create it first, or name another in --database-url",
            db.message()
        )
    } else if [
        SqlState::INVALID_PASSWORD,
        SqlState::INVALID_AUTHORIZATION_SPECIFICATION,
    ]
    .contains(db.code())
    {
        anyhow::anyhow!("{url} refused the credentials: {}", db.message())
    } else {
        anyhow::anyhow!("could not connect to {url}: {}", db.message())
    }
}
