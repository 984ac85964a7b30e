//! Connecting to a PostgreSQL server, any server: the demo database or one
//! given with `--database-url`. Every connection is bounded by
//! [`CONNECT_BOUND`] from the TCP connect to the end of the start-up
//! exchange, and a failure is one line that names the server (password
//! hidden) and the cause.

use std::time::Duration;

use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls};

use super::DatabaseUrl;

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
