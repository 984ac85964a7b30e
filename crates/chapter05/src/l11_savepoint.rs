//! Listing 5.11 — A nested transaction (savepoint): the outer row survives.
//!
//! A transaction inside a transaction is a SAVEPOINT: `transaction()` on a
//! `Transaction` makes one. The inner insert breaks colour 1's key; the
//! inner value is dropped, its `Drop` rolls back to the savepoint, the
//! error is logged, and the outer transaction goes on to commit its brand.
//! The inner borrows the outer mutably, so the outer cannot be used (or
//! committed) while the inner is alive: the nesting is checked.
//!
//! Run: cargo run -p chapter05 -- 5.11

use shared_util::Ctx;
use tokio_postgres::Transaction;

use crate::db::{self, Stage};

async fn insert_color(outer: &mut Transaction<'_>) -> Result<(), tokio_postgres::Error> {
    let inner = outer.transaction().await?; // SAVEPOINT
    inner
        .execute("INSERT INTO product_color VALUES(1, 'black')", &[])
        .await?;
    inner.commit().await // RELEASE SAVEPOINT
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut connection = db::connect(ctx, Some(Stage::Schema)).await?;
    let mut transaction = connection.transaction().await?;
    transaction
        .execute("INSERT INTO brand VALUES(DEFAULT, 'my_new_brand')", &[])
        .await?;
    if let Err(error) = insert_color(&mut transaction).await {
        let message = error.as_db_error().map(|e| e.message().to_owned());
        println!(
            "WARNING: Ignoring error inserting product color: {}",
            message.unwrap_or_else(|| error.to_string())
        );
    }
    transaction.commit().await?;

    let kept: i64 = connection
        .query_one(
            "SELECT count(*) FROM brand WHERE brand_name = 'my_new_brand'",
            &[],
        )
        .await?
        .get(0);
    let color: String = connection
        .query_one(
            "SELECT product_color_name FROM product_color WHERE product_color_id = 1",
            &[],
        )
        .await?
        .get(0);
    println!("my_new_brand rows: {kept}; product colour 1 is still {color}");
    Ok(())
}
