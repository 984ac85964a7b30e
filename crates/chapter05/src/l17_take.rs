//! Listing 5.17 — The first five products: a hand-written `take`.
//!
//! `take` wraps any stream in another, the book's async generator over an
//! async generator, and stops after `to_take` items. Like the book's, it
//! reads one item past the last it yields before it stops. Stopping drops
//! the inner stream, which closes the portal: the server's `pg_cursors`
//! shows it open while reading, gone after. `StreamExt::take` does the
//! same in one call, without the extra read.
//!
//! Run: cargo run -p chapter05 -- 5.17

use futures::{Stream, StreamExt as _};
use shared_util::Ctx;
use tokio_postgres::Transaction;

use crate::db::{self, Product, Stage};

fn take<S: Stream>(generator: S, to_take: usize) -> impl Stream<Item = S::Item> {
    async_stream::stream! {
        let mut item_count = 0;
        let mut generator = std::pin::pin!(generator);
        while let Some(item) = generator.next().await {
            if item_count > to_take - 1 {
                return;
            }
            item_count += 1;
            yield item;
        }
    }
}

async fn open_cursors(transaction: &Transaction<'_>) -> anyhow::Result<i64> {
    let row = transaction
        // Named portals only: the unnamed one is this very query.
        .query_one("SELECT count(*) FROM pg_cursors WHERE name <> ''", &[])
        .await?;
    Ok(row.get(0))
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut connection = db::connect(ctx, Some(Stage::Products)).await?;
    let transaction = connection.transaction().await?;
    let query = "SELECT product_id, product_name from product";
    {
        let product_generator = db::cursor(&transaction, query, 50);
        let mut products = std::pin::pin!(take(product_generator, 5));
        let mut open_while_reading = 0;
        while let Some(product) = products.next().await {
            println!("{:?}", Product::from(&product?));
            open_while_reading = open_while_reading.max(open_cursors(&transaction).await?);
        }
        println!("open cursors while reading: {open_while_reading}");
    }
    println!("Got the first five products!");
    println!("open cursors after: {}", open_cursors(&transaction).await?);

    let first_five = db::cursor(&transaction, query, 50).take(5);
    let taken: Vec<_> = first_five.collect().await;
    println!("StreamExt::take(5) gave {} products too", taken.len());
    println!("open cursors after: {}", open_cursors(&transaction).await?);
    transaction.commit().await?;
    Ok(())
}
