//! Listing 5.2 — The product schema as SQL constants.
//!
//! Brands, products, sizes, colours and SKUs, and the size and colour
//! rows. The constants live in `shared_util::demo::products` because later
//! chapters (6.15, 8.11) query the same database; this listing prints
//! them. Two changes from the book, both marked there: an index on
//! `sku.product_id` (5.8 would take minutes without it) and inserts that
//! skip rows already present, so 5.3 can run twice.
//!
//! Run: cargo run -p chapter05 -- 5.2

use shared_util::Ctx;
use shared_util::demo::products::{
    COLOR_INSERT, CREATE_BRAND_TABLE, CREATE_PRODUCT_COLOR_TABLE, CREATE_PRODUCT_SIZE_TABLE,
    CREATE_PRODUCT_TABLE, CREATE_SKU_PRODUCT_INDEX, CREATE_SKU_TABLE, SIZE_INSERT,
};

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let statements = [
        ("CREATE_BRAND_TABLE", CREATE_BRAND_TABLE),
        ("CREATE_PRODUCT_TABLE", CREATE_PRODUCT_TABLE),
        ("CREATE_PRODUCT_COLOR_TABLE", CREATE_PRODUCT_COLOR_TABLE),
        ("CREATE_PRODUCT_SIZE_TABLE", CREATE_PRODUCT_SIZE_TABLE),
        ("CREATE_SKU_TABLE", CREATE_SKU_TABLE),
        ("CREATE_SKU_PRODUCT_INDEX", CREATE_SKU_PRODUCT_INDEX),
        ("COLOR_INSERT", COLOR_INSERT),
        ("SIZE_INSERT", SIZE_INSERT),
    ];
    for (name, sql) in statements {
        println!("{name}:{sql}\n");
    }
    Ok(())
}
