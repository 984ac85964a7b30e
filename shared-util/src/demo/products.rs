//! The book's product database: the schema chapter 5 creates (listing
//! 5.2), the word list its random names come from, the seeded rows of
//! listings 5.5 and 5.6, the product query of 5.7, 5.8 and 6.15, and
//! [`prepare`], which brings a database up to the [`Stage`] a listing
//! needs, so that any listing runs on its own, in any order.
//!
//! It lives here rather than in chapter 5 because later chapters query the
//! same database (6.15, 8.11) and a chapter never depends on another.
//! Chapter 5's listings build it step by step, the book's way; [`prepare`]
//! builds the same rows at once (same generators, same seed) with one
//! array insert per table.

use rand::rngs::StdRng;
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use tokio_postgres::Client;

// ANCHOR: schema
/// Listing 5.2: the brands table.
pub const CREATE_BRAND_TABLE: &str = "
    CREATE TABLE IF NOT EXISTS brand(
        brand_id SERIAL PRIMARY KEY,
        brand_name TEXT NOT NULL
    );";

/// Listing 5.2: the products table; each product has a brand.
pub const CREATE_PRODUCT_TABLE: &str = "
    CREATE TABLE IF NOT EXISTS product(
        product_id SERIAL PRIMARY KEY,
        product_name TEXT NOT NULL,
        brand_id INT NOT NULL,
        FOREIGN KEY (brand_id) REFERENCES brand(brand_id)
    );";

/// Listing 5.2: the colours a SKU comes in.
pub const CREATE_PRODUCT_COLOR_TABLE: &str = "
    CREATE TABLE IF NOT EXISTS product_color(
        product_color_id SERIAL PRIMARY KEY,
        product_color_name TEXT NOT NULL
    );";

/// Listing 5.2: the sizes a SKU comes in.
pub const CREATE_PRODUCT_SIZE_TABLE: &str = "
    CREATE TABLE IF NOT EXISTS product_size(
        product_size_id SERIAL PRIMARY KEY,
        product_size_name TEXT NOT NULL
    );";

/// Listing 5.2: a stock-keeping unit, one product in one size and colour.
pub const CREATE_SKU_TABLE: &str = "
    CREATE TABLE IF NOT EXISTS sku(
        sku_id SERIAL PRIMARY KEY,
        product_id INT NOT NULL,
        product_size_id INT NOT NULL,
        product_color_id INT NOT NULL,
        FOREIGN KEY (product_id)
            REFERENCES product(product_id),
        FOREIGN KEY (product_size_id)
            REFERENCES product_size(product_size_id),
        FOREIGN KEY (product_color_id)
            REFERENCES product_color(product_color_id)
    );";

/// Not in the book: an index on the foreign key the product query joins
/// on. Without it every query of 5.8 scans all 100,000 SKUs (about 16 ms
/// on a 2-core machine), so the server's CPU, not waiting, would set the
/// pace, and 10,000 queries would take minutes.
pub const CREATE_SKU_PRODUCT_INDEX: &str = "
    CREATE INDEX IF NOT EXISTS sku_product_id_idx ON sku(product_id);";

/// Listing 5.2: the two colours. `ON CONFLICT DO NOTHING` (not in the
/// book) lets 5.3 run again on a database that has them.
pub const COLOR_INSERT: &str = "
    INSERT INTO product_color VALUES(1, 'Blue') ON CONFLICT DO NOTHING;
    INSERT INTO product_color VALUES(2, 'Black') ON CONFLICT DO NOTHING;";

/// Listing 5.2: the three sizes, likewise.
pub const SIZE_INSERT: &str = "
    INSERT INTO product_size VALUES(1, 'Small') ON CONFLICT DO NOTHING;
    INSERT INTO product_size VALUES(2, 'Medium') ON CONFLICT DO NOTHING;
    INSERT INTO product_size VALUES(3, 'Large') ON CONFLICT DO NOTHING;";
// ANCHOR_END: schema

/// Listing 5.3's statements, in the order it runs them.
pub const SCHEMA: [&str; 8] = [
    CREATE_BRAND_TABLE,
    CREATE_PRODUCT_TABLE,
    CREATE_PRODUCT_COLOR_TABLE,
    CREATE_PRODUCT_SIZE_TABLE,
    CREATE_SKU_TABLE,
    CREATE_SKU_PRODUCT_INDEX,
    SIZE_INSERT,
    COLOR_INSERT,
];

/// The query of listings 5.7, 5.8 and 6.15: every SKU of product 100,
/// joined with its product, colour and size.
pub const PRODUCT_QUERY: &str = "
SELECT
p.product_id,
p.product_name,
p.brand_id,
s.sku_id,
pc.product_color_name,
ps.product_size_name
FROM product as p
JOIN sku as s on s.product_id = p.product_id
JOIN product_color as pc on pc.product_color_id = s.product_color_id
JOIN product_size as ps on ps.product_size_id = s.product_size_id
WHERE p.product_id = 100";

/// How many brands listing 5.5 makes.
pub const BRANDS: usize = 100;
/// How many products listing 5.6 makes.
pub const PRODUCTS: usize = 1000;
/// How many SKUs listing 5.6 makes.
pub const SKUS: usize = 100_000;
/// The seed when none is given (`--seed` in chapter 5).
pub const DEFAULT_SEED: u64 = 5;

/// The word list names are drawn from: 1000 made-up, pronounceable words
/// (`bako`, `tilen`, ...). The book ships a file of common English words;
/// this project generates its own, always the same, so nothing is copied
/// or downloaded.
pub fn common_words() -> Vec<String> {
    const CONSONANTS: &[&str] = &[
        "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
    ];
    const VOWELS: &[&str] = &["a", "e", "i", "o", "u"];
    const ENDINGS: &[&str] = &["", "n", "r", "s"];
    let syllables: Vec<String> = CONSONANTS
        .iter()
        .flat_map(|c| VOWELS.iter().map(move |v| format!("{c}{v}")))
        .collect();
    let mut words: Vec<String> = syllables
        .iter()
        .flat_map(|a| syllables.iter().map(move |b| format!("{a}{b}")))
        .enumerate()
        .map(|(i, word)| format!("{word}{}", ENDINGS[i % ENDINGS.len()]))
        .collect();
    words.shuffle(&mut StdRng::seed_from_u64(0x5EED_5EED));
    words.truncate(1000);
    words
}

/// A random generator for one table, repeatable for a given seed.
fn rng(seed: u64, table: u64) -> StdRng {
    StdRng::seed_from_u64(seed.wrapping_mul(1000).wrapping_add(table))
}

/// Listing 5.5's brand names: the first 100 words in a random order.
pub fn brand_names(words: &[String], seed: u64) -> Vec<String> {
    let mut brands = words[..BRANDS].to_vec();
    brands.shuffle(&mut rng(seed, 1));
    brands
}

/// Listing 5.6's products: `count` names of 10 different random words,
/// each with a random brand id from `brand_ids`.
pub fn product_rows(
    words: &[String],
    brand_ids: std::ops::RangeInclusive<i32>,
    count: usize,
    seed: u64,
) -> Vec<(String, i32)> {
    let mut rng = rng(seed, 2);
    (0..count)
        .map(|_| {
            let picked = rand::seq::index::sample(&mut rng, words.len(), 10);
            let name: Vec<&str> = picked.iter().map(|i| words[i].as_str()).collect();
            (name.join(" "), rng.random_range(brand_ids.clone()))
        })
        .collect()
}

/// Listing 5.6's SKUs: `count` of (product id, size 1–3, colour 1–2).
pub fn sku_rows(
    product_ids: std::ops::RangeInclusive<i32>,
    count: usize,
    seed: u64,
) -> Vec<(i32, i32, i32)> {
    let mut rng = rng(seed, 3);
    (0..count)
        .map(|_| {
            (
                rng.random_range(product_ids.clone()),
                rng.random_range(1..=3),
                rng.random_range(1..=2),
            )
        })
        .collect()
}

/// How far a listing needs the database built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// The tables, sizes and colours (listing 5.3).
    Schema,
    /// And at least 100 brands (5.5).
    Brands,
    /// And 1000 products with their SKUs (5.6).
    Products,
}

/// Builds what is missing up to `stage`, with rows made from `seed`, and
/// says what it did (empty when nothing was missing), e.g. `["the schema
/// (5.3)", "100 brands (5.5)"]`. Safe to call from several processes at
/// once: an advisory lock makes them take turns, and each sees what the
/// one before built.
pub async fn prepare(client: &Client, stage: Stage, seed: u64) -> anyhow::Result<Vec<String>> {
    /// Any number that is ours: the lock that serialises `prepare`.
    const LOCK: i64 = 0x5_0005;
    client
        .execute("SELECT pg_advisory_lock($1)", &[&LOCK])
        .await?;
    client.batch_execute("BEGIN").await?;
    let built = match build(client, stage, seed).await {
        Ok(built) => client
            .batch_execute("COMMIT")
            .await
            .map(|()| built)
            .map_err(anyhow::Error::from),
        Err(e) => {
            let _ = client.batch_execute("ROLLBACK").await;
            Err(e)
        }
    };
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&LOCK])
        .await?;
    let built = built?;
    if !built.is_empty() {
        // Fresh statistics, so the planner uses the index on sku.
        client.batch_execute("ANALYZE").await?;
    }
    Ok(built)
}

/// [`prepare`] from code that is not async (the runner's `compare`): it
/// connects to `url`, builds up to `stage`, and disconnects, on a runtime
/// of its own in a thread of its own.
pub fn prepare_blocking(
    url: &crate::demo::database::DatabaseUrl,
    stage: Stage,
    seed: u64,
) -> anyhow::Result<Vec<String>> {
    let config = url.config();
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async {
                    let client = crate::demo::database::connect::open(&config, url).await?;
                    prepare(&client, stage, seed).await
                })
            })
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("building the product database panicked")))
    })
}

async fn build(client: &Client, stage: Stage, seed: u64) -> anyhow::Result<Vec<String>> {
    let mut built = Vec::new();
    let has_schema: bool = client
        .query_one("SELECT to_regclass('public.sku') IS NOT NULL", &[])
        .await?
        .get(0);
    if !has_schema {
        for statement in SCHEMA {
            client.batch_execute(statement).await?;
        }
        built.push("the schema (5.3)".to_owned());
    }
    let count = |table: &'static str| async move {
        let row = client
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await?;
        anyhow::Ok(usize::try_from(row.get::<_, i64>(0)).unwrap_or(0))
    };
    // The rows are made to fit the foreign keys, so a superuser (the demo
    // database's) skips checking them row by row: 100,000 SKUs load in a
    // second instead of five. Others load them checked.
    let superuser: bool = client
        .query_one(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
            &[],
        )
        .await?
        .get(0);
    if superuser {
        client
            .batch_execute("SET LOCAL session_replication_role = replica")
            .await?;
    }
    let words = common_words();
    if stage >= Stage::Brands && count("brand").await? < BRANDS {
        client
            .execute(
                "INSERT INTO brand (brand_name) SELECT * FROM unnest($1::text[])",
                &[&brand_names(&words, seed)],
            )
            .await?;
        built.push(format!("{BRANDS} brands (5.5)"));
    }
    if stage >= Stage::Products && (count("product").await? < PRODUCTS || count("sku").await? == 0)
    {
        let (names, brands): (Vec<String>, Vec<i32>) =
            product_rows(&words, 1..=100, PRODUCTS, seed)
                .into_iter()
                .unzip();
        client
            .execute(
                "INSERT INTO product (product_name, brand_id) SELECT * FROM unnest($1::text[], $2::int[])",
                &[&names, &brands],
            )
            .await?;
        let skus = sku_rows(1..=1000, SKUS, seed);
        let column = |pick: fn(&(i32, i32, i32)) -> i32| skus.iter().map(pick).collect::<Vec<_>>();
        client
            .execute(
                "INSERT INTO sku (product_id, product_size_id, product_color_id) SELECT * FROM unnest($1::int[], $2::int[], $3::int[])",
                &[&column(|s| s.0), &column(|s| s.1), &column(|s| s.2)],
            )
            .await?;
        built.push(format!("{PRODUCTS} products and {SKUS} SKUs (5.6)"));
    }
    Ok(built)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_are_distinct_and_repeatable() {
        let words = common_words();
        assert_eq!(words.len(), 1000);
        let mut unique = words.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 1000);
        assert_eq!(words, common_words());
    }

    #[test]
    fn rows_depend_on_the_seed_only() {
        let words = common_words();
        let brands = brand_names(&words, 7);
        assert_eq!(brands.len(), BRANDS);
        assert_eq!(brands, brand_names(&words, 7));
        assert_ne!(brands, brand_names(&words, 8));
        let products = product_rows(&words, 1..=100, 50, 7);
        assert!(
            products.iter().all(|(name, brand)| {
                name.split(' ').count() == 10 && (1..=100).contains(brand)
            })
        );
        let skus = sku_rows(1..=1000, 500, 7);
        assert!(skus.iter().all(|&(p, s, c)| (1..=1000).contains(&p)
            && (1..=3).contains(&s)
            && (1..=2).contains(&c)));
    }
}
