//! Listing 5.4 — Insert two brands and select them back.
//!
//! `execute` for the inserts, `query` (asyncpg's `fetch`) for the select.
//! The brand name is a bound parameter (`$1`), never pasted into the SQL.
//! A row is read by column name with a Rust type chosen at the call
//! (`row.get::<_, i32>("brand_id")`): a wrong type is an error, not a
//! surprise later.
//!
//! Run: cargo run -p chapter05 -- 5.4

use shared_util::Ctx;
use tokio_postgres::Row;

use crate::db::{self, Stage};

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let connection = db::connect(ctx, Some(Stage::Schema)).await?;
    let insert = "INSERT INTO brand VALUES(DEFAULT, $1)";
    connection.execute(insert, &[&"Levis"]).await?;
    connection.execute(insert, &[&"Seven"]).await?;

    let brand_query = "SELECT brand_id, brand_name FROM brand";
    let results: Vec<Row> = connection.query(brand_query, &[]).await?;

    for brand in &results {
        let id: i32 = brand.get("brand_id");
        let name: &str = brand.get("brand_name");
        println!("id: {id}, name: {name}");
    }
    Ok(())
}
