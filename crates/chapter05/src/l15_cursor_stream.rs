//! Listing 5.15 — Every product streamed through a server-side cursor.
//!
//! asyncpg's `connection.cursor(query)` is a portal on the server read in
//! batches as you iterate. `db::cursor` is the same as a `Stream`: it binds
//! the query to a portal, then fetches 50 rows at a time (asyncpg's
//! prefetch) as the loop asks. A portal lives only inside a transaction,
//! and the stream borrows the transaction, so it cannot outlive it.
//!
//! Run: cargo run -p chapter05 -- 5.15

use futures::StreamExt as _;
use shared_util::Ctx;

use crate::db::{self, Product, Stage};

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut connection = db::connect(ctx, Some(Stage::Products)).await?;
    let query = "SELECT product_id, product_name FROM product";
    let transaction = connection.transaction().await?;
    let mut streamed = 0;
    {
        let mut products = std::pin::pin!(db::cursor(&transaction, query, 50));
        while let Some(product) = products.next().await {
            println!("{:?}", Product::from(&product?));
            streamed += 1;
        }
    } // the stream, and with it the portal, ends here
    transaction.commit().await?;
    println!("streamed {streamed} products through the cursor");
    Ok(())
}
