//! The three service databases on one PostgreSQL server, and making sure
//! they hold what the services read.
//!
//! The book gives each service a database of its own on one server:
//! `products` (chapter 5's), `favorites` and `cart`. Here the server is
//! the run's demo database (or `--database-url`); the product service uses
//! the URL's own database, built up to chapter 5's 1000 products if it
//! lacks them, and the other two are created beside it on first use with
//! the rows of listings 10.2 and 10.3. Nothing waits forever: connecting
//! gives up after 5 s, a statement after 30 s.

use std::time::Duration;

use anyhow::Context as _;
use shared_util::Ctx;
use shared_util::demo::products::{self, Stage};
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

/// One service's database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    /// Chapter 5's product database: the URL's own.
    Products,
    /// `favorites`, listing 10.3's table.
    Favorites,
    /// `cart`, listing 10.2's table.
    Cart,
}

impl Database {
    /// The database's name on the server.
    pub fn name(self, ctx: &Ctx) -> anyhow::Result<String> {
        Ok(match self {
            Database::Products => ctx
                .database_url()?
                .config()
                .get_dbname()
                .unwrap_or(shared_util::demo::database::DEMO_DATABASE)
                .to_owned(),
            Database::Favorites => FAVORITES_DATABASE.to_owned(),
            Database::Cart => CART_DATABASE.to_owned(),
        })
    }
}

/// The driver's settings for `database` on the run's server.
pub fn config(ctx: &Ctx, database: Database) -> anyhow::Result<tokio_postgres::Config> {
    let mut config = ctx.database_url()?.config();
    config
        .dbname(database.name(ctx)?)
        .connect_timeout(Duration::from_secs(5))
        .options("-c statement_timeout=30000")
        .application_name(application_name());
    Ok(config)
}

/// The name this process's connections carry in `pg_stat_activity`,
/// `rust-concurrency-chapter10-PID`: 10.4 counts its own connections by
/// it, and a test can tell one run's connections from another's.
pub fn application_name() -> String {
    format!("rust-concurrency-chapter10-{}", std::process::id())
}

/// One connection to `database`, as it is (it may not exist yet).
pub async fn connect(ctx: &Ctx, database: Database) -> anyhow::Result<Client> {
    let url = ctx.database_url()?;
    let name = database.name(ctx)?;
    shared_util::demo::db::open(&config(ctx, database)?, &url)
        .await
        .with_context(|| format!("cannot connect to database '{name}'"))
}

/// Creates database `name` on the server unless it is there; true when it
/// made it. Safe when several processes try at once.
pub async fn create_database(ctx: &Ctx, name: &str) -> anyhow::Result<bool> {
    let admin = connect(ctx, Database::Products).await?;
    let exists: bool = admin
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
            &[&name],
        )
        .await?
        .get(0);
    if exists {
        return Ok(false);
    }
    match admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
    {
        Ok(()) => Ok(true),
        // Another process made it first.
        Err(e)
            if e.code() == Some(&SqlState::DUPLICATE_DATABASE)
                || e.code() == Some(&SqlState::UNIQUE_VIOLATION) =>
        {
            Ok(false)
        }
        Err(e) => Err(anyhow::anyhow!(
            "could not create database '{name}' (the services need it; a --database-url user needs CREATEDB): {e}"
        )),
    }
}

/// Makes sure `database` holds what its service reads (for the cart and
/// favourites, `table`: listing 10.2's), building what is missing and
/// saying so on stderr, so any listing runs on its own.
pub async fn ensure(ctx: &Ctx, database: Database, table: Option<Table>) -> anyhow::Result<()> {
    let built = match database {
        Database::Products => {
            let client = connect(ctx, database).await?;
            products::prepare(&client, Stage::Products, products::DEFAULT_SEED)
                .await
                .context("could not build the product database")?
        }
        Database::Favorites | Database::Cart => {
            let table = table.ok_or_else(|| anyhow::anyhow!("no table given for {database:?}"))?;
            let name = database.name(ctx)?;
            let mut built = Vec::new();
            if create_database(ctx, &name).await? {
                built.push(format!("database {name}"));
            }
            let client = connect(ctx, database).await?;
            if !has_table(&client, table).await? {
                create_table(&client, table).await?;
                built.push(format!("table {} (10.{})", table.name, table.listing));
            }
            built
        }
    };
    if !built.is_empty() {
        eprintln!(
            "note: the services' databases lacked what they read; built {} first",
            built.join(", ")
        );
    }
    Ok(())
}

/// The cart service's database (listing 10.2).
pub const CART_DATABASE: &str = "cart";
/// The favourites service's database (listing 10.3).
pub const FAVORITES_DATABASE: &str = "favorites";

/// One service table: its SQL and its seed rows `(user_id, product_id)`.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    /// The book's listing number after "10.".
    pub listing: u32,
    pub create: &'static str,
    pub rows: [(i32, i32); 6],
}

/// Whether `table` is there.
pub async fn has_table(client: &Client, table: Table) -> anyhow::Result<bool> {
    let regclass = format!("public.{}", table.name);
    Ok(client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&regclass])
        .await?
        .get(0))
}

/// Creates `table` afresh and inserts its rows, printing nothing; returns
/// one status line per statement. One caller at a time (an advisory lock),
/// so two processes starting at once do not both insert the rows.
pub async fn create_table(client: &Client, table: Table) -> anyhow::Result<Vec<String>> {
    let mut statuses = Vec::new();
    client
        .execute("SELECT pg_advisory_lock($1)", &[&10_i64])
        .await?;
    let result = async {
        client
            .batch_execute(&format!("DROP TABLE IF EXISTS {}", table.name))
            .await?;
        client.batch_execute(table.create).await?;
        statuses.push(format!("CREATE TABLE {}", table.name));
        let insert = format!("INSERT INTO {} VALUES ($1, $2)", table.name);
        for (user_id, product_id) in table.rows {
            let rows = client.execute(&insert, &[&user_id, &product_id]).await?;
            statuses.push(format!("INSERT 0 {rows}  ({user_id}, {product_id})"));
        }
        anyhow::Ok(())
    }
    .await;
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&10_i64])
        .await?;
    result.map(|()| statuses)
}
