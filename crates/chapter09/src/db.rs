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
//! a statement after 60 s, a wait for a pooled connection after 30 s.

use anyhow::Context as _;
use serde::Serialize;
use shared_util::Ctx;
use shared_util::demo::database::DatabaseUrl;
pub use shared_util::demo::db::Pool;
use shared_util::demo::db::Wanted;
use shared_util::demo::products::{self, Stage};

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

/// Makes the pool of `--pool` connections, all opened before it returns,
/// with the product database built if it is missing: the book's
/// `create_database_pool`, run before the server takes its first request.
/// The pool is chapter 5's (`shared_util::demo::db`), under this process's name.
pub async fn pool(ctx: &Ctx) -> anyhow::Result<Pool> {
    let size = ctx.options::<crate::Options>().pool;
    let wanted = Wanted {
        stage: Some(Stage::Products),
        seed: seed(ctx),
        application: application_name(),
    };
    shared_util::demo::db::pool(ctx, size, wanted).await
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
/// blocking API, whose own `connect_timeout` bounds only the TCP connect:
/// the whole connect runs on a helper thread, given up after
/// [`CONNECT_BOUND`](shared_util::demo::db::CONNECT_BOUND) (a server that takes
/// the connection and never speaks would hang it).
pub fn blocking_client(url: &DatabaseUrl) -> anyhow::Result<postgres::Client> {
    let config = postgres::Config::from(shared_util::demo::db::config(url, &application_name()));
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("connect".into())
        .spawn(move || {
            let _ = sender.send(config.connect(postgres::NoTls));
        })?;
    match receiver.recv_timeout(shared_util::demo::db::CONNECT_BOUND) {
        Ok(connected) => connected.map_err(|e| {
            anyhow::anyhow!(
                "cannot connect to {url}: {}",
                shared_util::demo::db::with_causes(&e)
            )
        }),
        // The helper thread is left to its socket; the run ends with this error.
        Err(_) => Err(shared_util::demo::db::no_answer(url)),
    }
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
