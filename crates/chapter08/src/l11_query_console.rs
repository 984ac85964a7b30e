//! Listing 8.11 — The console issuing SQL queries instead of delays.
//!
//! The delay console of 8.10, pointed at chapter 5's product database: a
//! pool of six connections is opened first (the demo database is started
//! when no `--database-url` is given), then every line typed is a query
//! run as a task of its own on a pooled connection. Its result scrolls in
//! above the input line while you type the next one; an error (a typo in
//! the SQL) is a message, not the end of the app. Ctrl-C quits.
//!
//! Where Rust differs: the book prints `len()` of the one row `fetchrow`
//! returns, which is that row's number of columns; this prints how many
//! rows the query returned, which is what the message says. The SQL is
//! sent as typed (the simple query protocol, so several statements
//! separated by `;` work too): it is your own throwaway database.
//!
//! Run: cargo run -p chapter08 -- 8.11

use shared_util::Ctx;
use shared_util::demo::db::{Pool, Wanted};
use shared_util::demo::products::{DEFAULT_SEED, Stage};
use tokio::sync::mpsc;
use tokio_postgres::SimpleQueryMessage;

use crate::console::{Next, run_console};

/// The book's pool: six connections, all opened at start.
const POOL_SIZE: usize = 6;

/// Runs `query` on a connection of `pool`; the line to show for it.
pub async fn run_query(query: &str, pool: &Pool) -> String {
    let result = async {
        let connection = pool.get().await?;
        let messages = connection.simple_query(query).await?;
        let rows = messages
            .iter()
            .filter(|m| matches!(m, SimpleQueryMessage::Row(_)))
            .count();
        anyhow::Ok(rows)
    }
    .await;
    match result {
        Ok(rows) => format!("Fetched {rows} rows from: {query}"),
        Err(e) => format!("Got exception {} from: {query}", one_line(&e)),
    }
}

/// The server's own message for a failed query (`syntax error at or near
/// "SELEC"`), on one line.
fn one_line(error: &anyhow::Error) -> String {
    let text = match error.downcast_ref::<tokio_postgres::Error>() {
        Some(e) => e
            .as_db_error()
            .map(|db| db.message().to_owned())
            .unwrap_or_else(|| e.to_string()),
        None => format!("{error:#}"),
    };
    text.replace('\n', " ")
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    // Refuse pipes before starting a database for nothing.
    crate::terminal::require_terminal()?;
    let wanted = Wanted {
        stage: Some(Stage::Products),
        seed: DEFAULT_SEED,
        application: "rust-concurrency-chapter08".into(),
    };
    let pool = shared_util::demo::db::pool(ctx, POOL_SIZE, wanted).await?;
    let (messages, inbox) = mpsc::unbounded_channel();
    let _ = messages.send(format!(
        "Connected: a pool of {POOL_SIZE}. Type a query (e.g. SELECT product_name FROM product LIMIT 5) and press Enter."
    ));
    run_console("query> ".to_owned(), inbox, |line| {
        let query = line.trim().to_owned();
        if !query.is_empty() {
            let (pool, messages) = (pool.clone(), messages.clone());
            tokio::spawn(async move {
                let _ = messages.send(run_query(&query, &pool).await);
            });
        }
        Next::Continue
    })
    .await?;
    // The book's `async with create_pool(...)`: closed on the way out.
    pool.close();
    Ok(())
}
