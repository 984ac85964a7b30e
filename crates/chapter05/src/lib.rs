//! Chapter 5 — Non-blocking database drivers, on a real PostgreSQL.
//!
//! asyncpg becomes tokio-postgres, its pool deadpool-postgres: connecting,
//! the product schema, batched (pipelined) inserts, a pool of connections
//! and 10,000 queries one after the other vs at once, transactions
//! (commit, rollback, savepoints, by hand), generators as `Iterator` and
//! `Stream`, and server-side cursors read as streams. With no
//! `--database-url`, the first listing that needs a database starts a
//! throwaway PostgreSQL of the machine's own (the demo database), shared
//! by every listing of the run and removed when it ends. Run `cargo run -p
//! chapter05 -- list` to see the listings.
//!
//! `db` holds what every listing shares (connecting, the pool, the cursor
//! stream); the schema, the word list and the seeded rows are
//! `shared_util::demo::products`, because later chapters query the same
//! database. Every other module is one listing.
//!
//! Where the book's runtime hazard becomes a compile error: a transaction
//! borrows its connection mutably, so nothing else can use the
//! connection while the transaction is open.
//!
//! ```compile_fail
//! async fn two_at_once(client: &mut tokio_postgres::Client) -> anyhow::Result<()> {
//!     let tx = client.transaction().await?;
//!     client.execute("SELECT 1", &[]).await?; // error: `*client` is borrowed by `tx`
//!     tx.commit().await?;
//!     Ok(())
//! }
//! ```

pub mod db;

mod l01_connect;
mod l02_schema;
mod l03_create_tables;
mod l04_insert_and_select;
mod l05_insert_brands;
mod l06_insert_products;
mod l07_two_queries;
mod l08_sequential_vs_concurrent;
mod l09_transaction;
mod l10_rollback;
mod l11_savepoint;
mod l12_manual_transaction;
mod l13_generator;
mod l14_async_generator;
mod l15_cursor_stream;
mod l16_cursor_forward_fetch;
mod l17_take;

use runner::Flag;
use runner::listing;
use runner::{Chapter, ChapterOptions, Set};

/// The chapter's listings, in the book's order.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 5,
    title: "Non-blocking database drivers",
    listings: &[
        listing!("5.1", l01_connect, "Connect and print the server's version").takes(&[Flag::DatabaseUrl]),
        listing!("5.2", l02_schema, "The product schema as SQL constants"),
        listing!("5.3", l03_create_tables, "Create the product database, printing each statement's status").takes(&[Flag::DatabaseUrl]),
        listing!("5.4", l04_insert_and_select, "Insert two brands and select them back").takes(&[Flag::DatabaseUrl]),
        listing!("5.5", l05_insert_brands, "100 random brands in one pipelined batch").takes(&[Flag::DatabaseUrl]),
        listing!("5.6", l06_insert_products, "1,000 products and 100,000 SKUs, batched").takes(&[Flag::DatabaseUrl]),
        listing!("5.7", l07_two_queries, "A pool of 6: two queries at once, each on its own connection").takes(&[Flag::DatabaseUrl]),
        listing!("5.8", l08_sequential_vs_concurrent, "10,000 queries one after the other vs gathered over the pool").takes(&[Flag::DatabaseUrl]),
        listing!("5.9", l09_transaction, "A transaction of two inserts, committed").takes(&[Flag::DatabaseUrl]),
        listing!("5.10", l10_rollback, "A failing transaction rolls back: nothing of it remains").takes(&[Flag::DatabaseUrl]),
        listing!("5.11", l11_savepoint, "A nested transaction (savepoint): the outer row survives").takes(&[Flag::DatabaseUrl]),
        listing!("5.12", l12_manual_transaction, "A transaction driven by hand: begin, commit or roll back").takes(&[Flag::DatabaseUrl]),
        listing!("5.13", l13_generator, "A plain generator: an Iterator, pulled twice").timers(),
        listing!("5.14", l14_async_generator, "An async generator: a Stream that waits before each item").timers(),
        listing!("5.15", l15_cursor_stream, "Every product streamed through a server-side cursor").takes(&[Flag::DatabaseUrl]),
        listing!("5.16", l16_cursor_forward_fetch, "A cursor moved forward 500 rows, then 100 fetched").takes(&[Flag::DatabaseUrl]),
        listing!("5.17", l17_take, "The first five products: a hand-written take next to StreamExt::take").takes(&[Flag::DatabaseUrl]),
    ],
    sets: &[Set {
        name: "queries",
        about: "5.8's 10,000 product queries one after the other vs gathered over pools of 1, 6 and 20",
        entries: &[
            "5.8 --only sequential",
            "5.8 --only concurrent --pool 1",
            "5.8 --only concurrent --pool 6",
            "5.8 --only concurrent --pool 20",
        ],
        // Every row, Rust and Python, meets the one demo database compare starts.
        flags: &["--database-url", "{database}"],
        python: &[
            "queries.py --database-url {database} --sequential",
            "queries.py --database-url {database} --pool 6",
            "queries.py --database-url {database} --pool 20",
        ],
        load: &[],
        python_flags: &["--queries", "--database-url"],
        goal: "",
        after: None,
        scaling: None,
    }],
    workers: &[],
    tools: &[],
    options: ChapterOptions::of::<Options>(),
};

/// Options of chapter 5's listings, read with `ctx.options::<Options>()`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// 5.5/5.6 (and any listing that builds missing rows): the random seed, so runs repeat.
    #[arg(long, value_name = "N", default_value_t = shared_util::demo::products::DEFAULT_SEED,
          value_parser = runner::whole_number::<u64>(0, None))]
    pub seed: u64,
    /// 5.7/5.8: connections in the pool.
    #[arg(long, value_name = "N", default_value_t = 6, allow_negative_numbers = true,
          value_parser = runner::whole_number::<usize>(1, Some(90)))]
    pub pool: usize,
    /// 5.8: how many product queries each way.
    #[arg(long, value_name = "N", default_value_t = 10_000, allow_negative_numbers = true,
          value_parser = runner::whole_number::<usize>(1, Some(10_000_000)))]
    pub queries: usize,
    /// 5.8: run only one of the two ways (for `compare queries`).
    #[arg(long, value_enum, value_name = "WAY")]
    pub only: Option<Way>,
}

/// 5.8's two ways of running the queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Way {
    /// One after the other.
    Sequential,
    /// All at once, gathered over the pool.
    Concurrent,
}
