//! Listing 5.10 — A failing transaction rolls back: nothing of it remains.
//!
//! The second insert of brand 9999 breaks the primary key. `?` leaves the
//! block early, the `Transaction` is dropped without a commit, and its
//! `Drop` queues a ROLLBACK on the connection: the async context manager's
//! exit, done by a destructor (which cannot await, so the ROLLBACK is sent
//! before the next query rather than awaited). The query after it proves
//! the first insert is gone too.
//!
//! Run: cargo run -p chapter05 -- 5.10

use shared_util::Ctx;
use tokio_postgres::Client;

use crate::db::{self, Stage};

async fn insert_twice(connection: &mut Client) -> Result<(), tokio_postgres::Error> {
    let transaction = connection.transaction().await?;
    let insert_brand = "INSERT INTO brand VALUES(9999, 'big_brand')";
    transaction.execute(insert_brand, &[]).await?;
    transaction.execute(insert_brand, &[]).await?; // fails: 9999 exists
    transaction.commit().await
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut connection = db::connect(ctx, Some(Stage::Schema)).await?;
    if let Err(error) = insert_twice(&mut connection).await {
        let db_error = error.as_db_error();
        println!(
            "Error while running transaction: {}",
            db_error.map_or(error.to_string(), |e| e.message().to_owned())
        );
        if let Some(detail) = db_error.and_then(|e| e.detail()) {
            println!("DETAIL: {detail}");
        }
    }
    let query = "SELECT brand_name FROM brand WHERE brand_name LIKE 'big_%'";
    let brands: Vec<String> = connection
        .query(query, &[])
        .await?
        .iter()
        .map(|row| row.get("brand_name"))
        .collect();
    println!("Query result was: {brands:?}");
    Ok(())
}
