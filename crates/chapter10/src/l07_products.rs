//! Listing 10.7 — The product service.
//!
//! `GET /products` answers `[{"product_id": 1, "product_name": "..."}, ...]`
//! from chapter 5's product database (built on first use). The book lists
//! every product; with chapter 5's 1000 products that makes the
//! backend-for-frontend call the inventory service 1000 times per page, so
//! this service lists the first `--catalogue` products (10 by default;
//! `--catalogue 1000` is the book's query).
//!
//! Run: cargo run -p chapter10 -- 10.7   (then curl http://127.0.0.1:8000/products)

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};
use shared_util::Ctx;

use crate::db::Database;
use crate::l04_pool::{Pool, create_database_pool};
use crate::services::{App, Kind, serve_alone};

#[derive(Clone)]
struct Products {
    db: Pool,
    /// How many products to list (`--catalogue`).
    catalogue: i64,
}

async fn products(State(products): State<Products>) -> Result<Json<Vec<Value>>, StatusCode> {
    let connection = products
        .db
        .get()
        .await
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    let rows = connection
        .query(
            "SELECT product_id, product_name FROM product ORDER BY product_id LIMIT $1",
            &[&products.catalogue],
        )
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(
        rows.iter()
            .map(|row| {
                json!({
                    "product_id": row.get::<_, i32>("product_id"),
                    "product_name": row.get::<_, String>("product_name"),
                })
            })
            .collect(),
    ))
}

/// The service's routes, over the products pool, listing `catalogue`
/// products.
pub fn router(pool: Pool, catalogue: usize) -> Router {
    Router::new()
        .route("/products", get(products))
        .with_state(Products {
            db: pool,
            catalogue: i64::try_from(catalogue).unwrap_or(i64::MAX),
        })
}

/// What the service serves: its routes over a pool of chapter 5's
/// product database (listing 10.4's), listing `--catalogue` products.
pub async fn app(ctx: &Ctx) -> anyhow::Result<App> {
    let pool = create_database_pool(ctx, Database::Products).await?;
    let catalogue = ctx.options::<crate::Options>().catalogue;
    Ok(App {
        router: router(pool.clone(), catalogue),
        pool: Some(pool),
    })
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    serve_alone(ctx, Kind::Products, app(ctx)).await
}
