//! Listing 5.16 — A cursor moved forward 500 rows, then 100 fetched.
//!
//! The portal is bound by hand here (`bind`), then read with a row limit
//! each time (`query_portal`): asyncpg's `cursor.forward(500)` and
//! `cursor.fetch(100)`. tokio-postgres has no server-side skip for a
//! portal, so the 500 rows cross the socket and are dropped; SQL's
//! `MOVE FORWARD 500` on a declared cursor would skip them on the server.
//!
//! Run: cargo run -p chapter05 -- 5.16

use shared_util::Ctx;

use crate::db::{self, Product, Stage};

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut connection = db::connect(ctx, Some(Stage::Products)).await?;
    let transaction = connection.transaction().await?;
    let query = "SELECT product_id, product_name from product";
    let cursor = transaction.bind(query, &[]).await?;
    let skipped = transaction.query_portal(&cursor, 500).await?.len();
    println!("moved forward {skipped} rows");
    let products = transaction.query_portal(&cursor, 100).await?;
    for product in &products {
        println!("{:?}", Product::from(product));
    }
    drop(cursor);
    transaction.commit().await?;
    Ok(())
}
