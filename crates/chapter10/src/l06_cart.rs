//! Listing 10.6 — The cart service.
//!
//! `GET /users/{id}/cart` answers the products in the user's cart as
//! `[{"product_id": 1}, ...]` from the `cart` database (listing 10.2),
//! through the service's pool (10.4); an id that is not a number is a 400.
//! The same shape as the favourites service, over its own database: each
//! service owns its data and can fail on its own.
//!
//! Run: cargo run -p chapter10 -- 10.6   (then curl http://127.0.0.1:8003/users/1/cart)

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};
use shared_util::Ctx;

use crate::db::Database;
use crate::l04_pool::{Pool, create_database_pool};
use crate::services::{App, Kind, serve_alone};

async fn cart(
    State(db): State<Pool>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Value>>, StatusCode> {
    let user_id: i32 = id.parse().map_err(|_| StatusCode::BAD_REQUEST)?;
    let connection = db
        .get()
        .await
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    let rows = connection
        .query(
            "SELECT product_id FROM user_cart WHERE user_id = $1",
            &[&user_id],
        )
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(
        rows.iter()
            .map(|row| json!({ "product_id": row.get::<_, i32>("product_id") }))
            .collect(),
    ))
}

/// The service's routes, over the cart pool.
pub fn router(pool: Pool) -> Router {
    Router::new()
        .route("/users/{id}/cart", get(cart))
        .with_state(pool)
}

/// What the service serves: its routes over a pool of its database
/// (listing 10.4's).
pub async fn app(ctx: &Ctx) -> anyhow::Result<App> {
    let pool = create_database_pool(ctx, Database::Cart).await?;
    Ok(App {
        router: router(pool.clone()),
        pool: Some(pool),
    })
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    serve_alone(ctx, Kind::Cart, app(ctx)).await
}
