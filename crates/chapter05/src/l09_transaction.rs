//! Listing 5.9 — A transaction of two inserts, committed.
//!
//! `async with connection.transaction()` becomes a `Transaction` value:
//! `client.transaction()` sends BEGIN, `commit()` sends COMMIT. It borrows
//! the client mutably, so while it is open the compiler refuses any other
//! use of the connection (see the chapter's docs): a query cannot slip out
//! of the transaction by mistake.
//!
//! Run: cargo run -p chapter05 -- 5.9

use shared_util::Ctx;

use crate::db::{self, Stage};

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut connection = db::connect(ctx, Some(Stage::Schema)).await?;
    let transaction = connection.transaction().await?;
    let insert = "INSERT INTO brand VALUES(DEFAULT, $1)";
    transaction.execute(insert, &[&"brand_1"]).await?;
    transaction.execute(insert, &[&"brand_2"]).await?;
    transaction.commit().await?;

    let query = "SELECT brand_name FROM brand WHERE brand_name LIKE 'brand%'";
    let brands: Vec<String> = connection
        .query(query, &[])
        .await?
        .iter()
        .map(|row| row.get("brand_name"))
        .collect();
    println!("{brands:?}");
    Ok(())
}
