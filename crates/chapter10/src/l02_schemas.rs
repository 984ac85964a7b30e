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

use crate::db::{self, Database, Table, create_table};

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

/// The table the favourites or the cart service reads; none for the
/// product service (chapter 5's database).
pub fn table_of(database: Database) -> Option<Table> {
    match database {
        Database::Cart => Some(USER_CART),
        Database::Favorites => Some(USER_FAVORITE),
        Database::Products => None,
    }
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
        let table = table_of(database).expect("the cart and favourites have a table");
        for status in create_table(&client, table).await? {
            println!("  {status}");
        }
    }
    Ok(())
}
