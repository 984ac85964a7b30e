//! Listing 10.5 — The favourites service.
//!
//! `GET /users/{id}/favorites` answers the user's favourite products as
//! `[{"product_id": 1}, ...]` from the `favorites` database (listing 10.3),
//! through the service's pool (10.4); an id that is not a number is a 400.
//! aiohttp finds the pool under a key in the app; axum hands it to the
//! handler as typed state. A missing user is an empty list, as in the book
//! (`fetch` returns no rows, never `None`).
//!
//! Run: cargo run -p chapter10 -- 10.5   (then curl http://127.0.0.1:8002/users/1/favorites)

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

async fn favorites(
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
            "SELECT product_id FROM user_favorite WHERE user_id = $1",
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

/// The service's routes, over the favourites pool.
pub fn router(pool: Pool) -> Router {
    Router::new()
        .route("/users/{id}/favorites", get(favorites))
        .with_state(pool)
}

/// What the service serves: its routes over a pool of its database
/// (listing 10.4's).
pub async fn app(ctx: &Ctx) -> anyhow::Result<App> {
    let pool = create_database_pool(ctx, Database::Favorites).await?;
    Ok(App {
        router: router(pool.clone()),
        pool: Some(pool),
    })
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    serve_alone(ctx, Kind::Favorites, app(ctx)).await
}
