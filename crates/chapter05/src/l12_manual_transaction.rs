//! Listing 5.12 — A transaction driven by hand: begin, commit or roll back.
//!
//! asyncpg's `transaction.start()`, `commit()` and `rollback()`. Here
//! `transaction()` is the start (it sends BEGIN); `commit` and `rollback`
//! take the transaction by value, so after either one the compiler
//! refuses to touch it again: no "transaction already committed" at run
//! time.
//!
//! Run: cargo run -p chapter05 -- 5.12

use shared_util::Ctx;

use crate::db::{self, Stage};

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut connection = db::connect(ctx, Some(Stage::Schema)).await?;
    let transaction = connection.transaction().await?; // BEGIN
    let insert = "INSERT INTO brand VALUES(DEFAULT, $1)";
    let inserted = async {
        transaction.execute(insert, &[&"brand_1"]).await?;
        transaction.execute(insert, &[&"brand_2"]).await
    }
    .await;
    match inserted {
        Err(_) => {
            println!("Errors, rolling back transaction!");
            transaction.rollback().await?;
        }
        Ok(_) => {
            println!("No errors, committing transaction!");
            transaction.commit().await?;
        }
    }

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
