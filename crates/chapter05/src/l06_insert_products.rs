//! Listing 5.6 — 1,000 products and 100,000 SKUs, batched.
//!
//! Products get ten random words and a random brand (ids 1–100); SKUs a
//! random product (1–1000), size and colour. Where 5.5 pipelined one
//! insert per row, this batch is one statement per table: each column
//! goes as one array parameter and `unnest` turns the arrays back into
//! rows on the server. The server still checks 100,000 × 3 foreign keys,
//! and that, not waiting, is most of the time.
//!
//! Run: cargo run -p chapter05 -- 5.6

use shared_util::Ctx;
use shared_util::demo::products::{PRODUCTS, SKUS, common_words, product_rows, sku_rows};
use shared_util::timing::Stopwatch;

use crate::db::{self, Stage};

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let seed = ctx.options::<crate::Options>().seed;
    let common_words = common_words();
    let mut connection = db::connect(ctx, Some(Stage::Brands)).await?;
    let started = Stopwatch::start();
    let batch = connection.transaction().await?;

    let (names, brand_ids): (Vec<String>, Vec<i32>) =
        product_rows(&common_words, 1..=100, PRODUCTS, seed)
            .into_iter()
            .unzip();
    let insert_products = "INSERT INTO product (product_name, brand_id)
        SELECT * FROM unnest($1::text[], $2::int[])";
    let products = batch
        .execute(insert_products, &[&names, &brand_ids])
        .await?;

    let skus = sku_rows(1..=1000, SKUS, seed);
    let column = |pick: fn(&(i32, i32, i32)) -> i32| skus.iter().map(pick).collect::<Vec<_>>();
    let (product_ids, size_ids, color_ids) = (column(|s| s.0), column(|s| s.1), column(|s| s.2));
    let insert_skus = "INSERT INTO sku (product_id, product_size_id, product_color_id)
        SELECT * FROM unnest($1::int[], $2::int[], $3::int[])";
    let skus = batch
        .execute(insert_skus, &[&product_ids, &size_ids, &color_ids])
        .await?;

    batch.commit().await?;
    connection.batch_execute("ANALYZE product, sku").await?;
    println!(
        "Inserted {products} products and {skus} SKUs in {} second(s)",
        shared_util::secs(started.elapsed())
    );
    Ok(())
}
