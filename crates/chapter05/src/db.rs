//! Connecting to the chapter's database, the way every listing does it.
//!
//! [`connect`] is `asyncpg.connect`, [`pool`] is `asyncpg.create_pool`, and
//! [`cursor`] is `connection.cursor(query)`: a stream of rows read through a
//! server-side portal. Where the database comes from is the `Ctx`'s
//! business (`--database-url`, or the demo database started on first use);
//! what must be in it is the listing's: each asks for a [`Stage`], and what
//! is missing is built first with a note on stderr, so any listing runs on
//! its own, in any order.
//!
//! Nothing waits forever: connecting gives up after 5 s, a statement after
//! 60 s (the server's `statement_timeout`), a wait for a pooled
//! connection after 30 s. Errors are one line naming the URL, never its
//! password.

use std::time::Duration;

use anyhow::Context as _;
use deadpool_postgres::{Manager, ManagerConfig, RecyclingMethod};
use futures::Stream;
use futures::future::try_join_all;
use shared_util::Ctx;
use shared_util::demo_db::DatabaseUrl;
use shared_util::products;
pub use shared_util::products::Stage;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls, Row, Transaction};

/// A pool of connections (`deadpool_postgres::Pool`), the book's
/// `asyncpg.Pool`.
pub type Pool = deadpool_postgres::Pool;

/// The driver's settings for this run: the URL, and the bounds.
fn config(url: &DatabaseUrl) -> tokio_postgres::Config {
    let mut config = url.config();
    config
        .connect_timeout(Duration::from_secs(5))
        .options("-c statement_timeout=60000")
        .application_name("rust-concurrency-chapter05");
    config
}

/// One connection, like `asyncpg.connect`, with the database built up to
/// `stage` (`None`: as it is). The connection's socket is driven by a
/// task of its own; dropping the `Client` closes it.
pub async fn connect(ctx: &Ctx, stage: Option<Stage>) -> anyhow::Result<Client> {
    let url = ctx.database_url()?;
    let (client, connection) = config(&url)
        .connect(NoTls)
        .await
        .map_err(|e| explain(&url, &e))?;
    tokio::spawn(connection);
    if let Some(stage) = stage {
        build(ctx, &client, stage).await?;
    }
    Ok(client)
}

/// A pool of `size` connections, all opened before it is returned (the
/// book's `min_size=max_size`), with the database built up to `stage`.
pub async fn pool(ctx: &Ctx, size: usize, stage: Stage) -> anyhow::Result<Pool> {
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
        .map_err(|e| match e {
            deadpool_postgres::PoolError::Backend(e) => explain(&url, &e),
            other => anyhow::anyhow!("could not open the pool's connections to {url}: {other}"),
        })?;
    build(ctx, &opened[0], stage).await?;
    Ok(pool)
}

/// Builds what `stage` needs and is missing, saying so on stderr.
async fn build(ctx: &Ctx, client: &Client, stage: Stage) -> anyhow::Result<()> {
    let seed = ctx.options::<crate::Options>().seed;
    let built = products::prepare(client, stage, seed)
        .await
        .context("could not build the product database")?;
    if !built.is_empty() {
        eprintln!(
            "note: the database lacked what this listing reads; built {} first (seed {seed})",
            built.join(", ")
        );
    }
    Ok(())
}

/// One line for a failed connection: unreachable, refused, or no such
/// database, with the URL (password hidden) and what to do.
fn explain(url: &DatabaseUrl, error: &tokio_postgres::Error) -> anyhow::Error {
    let Some(db) = error.as_db_error() else {
        return anyhow::anyhow!("cannot reach the PostgreSQL server at {url}: {error}");
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

/// The status line asyncpg's `execute` returns (`CREATE TABLE`, `INSERT 0
/// 1`), rebuilt for the last statement of `sql`: tokio-postgres reports
/// how many rows a statement touched, not the server's status text, so the
/// command's name comes from the SQL itself.
pub fn status(sql: &str, rows: u64) -> String {
    let last = sql
        .split(';')
        .map(str::trim)
        .rfind(|s| !s.is_empty())
        .unwrap_or("");
    let words: Vec<String> = last
        .split_whitespace()
        .take(2)
        .map(str::to_uppercase)
        .collect();
    match words.first().map(String::as_str) {
        Some("INSERT") => format!("INSERT 0 {rows}"),
        Some("CREATE") => words.join(" "),
        Some(other) => other.to_owned(),
        None => String::new(),
    }
}

/// A server-side cursor as a stream of rows, like asyncpg's
/// `connection.cursor(query)`: the query is bound to a portal inside the
/// transaction `tx`, and rows are fetched `batch` at a time (asyncpg
/// prefetches 50) as the stream is read. Dropping the stream closes the
/// portal.
pub fn cursor<'a>(
    tx: &'a Transaction<'a>,
    query: &'a str,
    batch: i32,
) -> impl Stream<Item = Result<Row, tokio_postgres::Error>> + 'a {
    async_stream::try_stream! {
        let portal = tx.bind(query, &[]).await?;
        loop {
            let rows = tx.query_portal(&portal, batch).await?;
            let last = rows.len() < usize::try_from(batch).unwrap_or(0);
            for row in rows {
                yield row;
            }
            if last {
                break;
            }
        }
    }
}

/// A product as listings 5.15–5.17 print it.
#[derive(Debug)]
pub struct Product {
    pub product_id: i32,
    pub product_name: String,
}

impl From<&Row> for Product {
    fn from(row: &Row) -> Self {
        Self {
            product_id: row.get("product_id"),
            product_name: row.get("product_name"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_name_the_last_command() {
        assert_eq!(status(products::CREATE_BRAND_TABLE, 0), "CREATE TABLE");
        assert_eq!(status(products::SIZE_INSERT, 1), "INSERT 0 1");
        assert_eq!(status("select 1", 1), "SELECT");
    }
}
