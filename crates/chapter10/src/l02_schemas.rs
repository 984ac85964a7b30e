//! Listings 10.2–10.3 — The cart and favourites databases.
//!
//! Each service owns its data: the cart service a `cart` database with a
//! `user_cart` table, the favourites service a `favorites` database with
//! `user_favorite`, both seeded with the book's six rows. The book runs the
//! SQL with psql against its own server; here the listing creates both
//! databases on the run's demo database (or `--database-url`) and prints
//! each statement's status. The product service reuses chapter 5's
//! database (built on first use). Running it again starts the tables afresh.
//!
//! Run: cargo run -p chapter10 -- 10.2

use shared_util::Ctx;
use tokio_postgres::Client;

use crate::db::{self, Database};

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

/// Listing 10.2: user 1 has products 1–3 in the cart, user 2 has 1, 2, 5.
pub const USER_CART: Table = Table {
    name: "user_cart",
    listing: 2,
    create: "CREATE TABLE user_cart(
    user_id    INT NOT NULL,
    product_id INT NOT NULL
)",
    rows: [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 5)],
};

/// Listing 10.3: users 1 and 3 each favour products 1–3.
pub const USER_FAVORITE: Table = Table {
    name: "user_favorite",
    listing: 3,
    create: "CREATE TABLE user_favorite(
    user_id    INT NOT NULL,
    product_id INT NOT NULL
)",
    rows: [(1, 1), (1, 2), (1, 3), (3, 1), (3, 2), (3, 3)],
};

/// The table the favourites or the cart service reads.
pub fn table_of(database: Database) -> Table {
    match database {
        Database::Cart => USER_CART,
        _ => USER_FAVORITE,
    }
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
pub async fn create(client: &Client, table: Table) -> anyhow::Result<Vec<String>> {
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

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    for database in [Database::Cart, Database::Favorites] {
        let name = database.name(ctx)?;
        let made = db::create_database(ctx, &name).await?;
        println!(
            "database {name}: {}",
            if made {
                "CREATE DATABASE"
            } else {
                "already there"
            }
        );
        let client = db::connect(ctx, database).await?;
        for status in create(&client, table_of(database)).await? {
            println!("  {status}");
        }
    }
    Ok(())
}
