//! Connecting to the chapter's database, the way every listing does it.
//!
//! [`connect`] is `asyncpg.connect` and [`pool`] is `asyncpg.create_pool`,
//! both `shared_util::demo::db` with this chapter's seed (chapters 8–10 connect
//! the same way); [`cursor`] is `connection.cursor(query)`: a stream of
//! rows read through a server-side portal. Each listing asks for a
//! [`Stage`], and what is missing is built first with a note on stderr, so
//! any listing runs on its own, in any order. Nothing waits forever, and
//! errors are one line naming the URL, never its password.

use futures::Stream;
use shared_util::Ctx;
pub use shared_util::demo::db::Pool;
use shared_util::demo::db::Wanted;
pub use shared_util::demo::products::Stage;
use tokio_postgres::{Client, Row, Transaction};

/// What this chapter's listings ask of the database.
fn wanted(ctx: &Ctx, stage: Option<Stage>) -> Wanted {
    Wanted {
        stage,
        seed: ctx.options::<crate::Options>().seed,
        application: "rust-concurrency-chapter05".into(),
    }
}

/// One connection, like `asyncpg.connect`, with the database built up to
/// `stage` (`None`: as it is). The connection's socket is driven by a
/// task of its own; dropping the `Client` closes it.
pub async fn connect(ctx: &Ctx, stage: Option<Stage>) -> anyhow::Result<Client> {
    shared_util::demo::db::connect(ctx, wanted(ctx, stage)).await
}

/// A pool of `size` connections, all opened before it is returned (the
/// book's `min_size=max_size`), with the database built up to `stage`.
pub async fn pool(ctx: &Ctx, size: usize, stage: Stage) -> anyhow::Result<Pool> {
    shared_util::demo::db::pool(ctx, size, wanted(ctx, Some(stage))).await
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
    use shared_util::demo::products;

    #[test]
    fn statuses_name_the_last_command() {
        assert_eq!(status(products::CREATE_BRAND_TABLE, 0), "CREATE TABLE");
        assert_eq!(status(products::SIZE_INSERT, 1), "INSERT 0 1");
        assert_eq!(status("select 1", 1), "SELECT");
    }
}
