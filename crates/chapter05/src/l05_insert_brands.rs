//! Listing 5.5 — 100 random brands in one pipelined batch.
//!
//! asyncpg's `executemany` runs one statement for many argument lists. The
//! tokio-postgres way: prepare the statement once, then start every insert
//! without awaiting the one before. They share one connection, so the
//! driver pipelines them: all 100 go out before the first answer comes
//! back. A transaction makes the batch all-or-nothing, as `executemany` is.
//! The names are seeded (`--seed`), so a run repeats.
//!
//! Run: cargo run -p chapter05 -- 5.5

use futures::future::try_join_all;
use shared_util::Ctx;
use shared_util::demo::products::{brand_names, common_words};

use crate::db::{self, Stage};

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let common_words = common_words();
    let brands = brand_names(&common_words, ctx.options::<crate::Options>().seed);

    let mut connection = db::connect(ctx, Some(Stage::Schema)).await?;
    let batch = connection.transaction().await?;
    let insert_brand = batch
        .prepare("INSERT INTO brand VALUES(DEFAULT, $1)")
        .await?;
    let inserts = brands.iter().map(|brand| {
        let (batch, insert_brand) = (&batch, &insert_brand);
        async move { batch.execute(insert_brand, &[brand]).await }
    });
    let inserted: u64 = try_join_all(inserts).await?.into_iter().sum();
    batch.commit().await?;

    println!("Inserted {inserted} brands: {} ...", brands[..3].join(", "));
    Ok(())
}
