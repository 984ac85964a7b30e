//! Listing 9.2 — A database pool made at start-up, closed at shutdown, and
//! `GET /brands` answering every brand as JSON.
//!
//! aiohttp's `app.on_startup` / `app.on_cleanup` hooks become plain code
//! around `serve`: the pool is built before the server takes its first
//! request and closed after graceful shutdown returns. The pool reaches the
//! handler as axum `State` (an `Arc` inside deadpool's `Pool`) instead of
//! the app's dict under a string key, so a missing pool is a compile error,
//! not a `KeyError`. `--wait-ms` adds a simulated wait after the query (for
//! 9.8a's load); `--quiet` turns off the request log.
//!
//! Run: cargo run -p chapter09 -- 9.2 --demo   (or without --demo, then curl)

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::routing::get;
use shared_util::Ctx;

use crate::api::{ApiError, no_route};
use crate::db::{self, BRAND_QUERY, Brand, Pool};
use crate::serving::{demo_client, serve, show};

/// What every handler shares: the pool, and the simulated wait.
#[derive(Clone)]
pub struct AppState {
    /// The book's `app[DB_KEY]`.
    pub pool: Pool,
    /// `--wait-ms`: a stand-in for slow work after the query (0: none).
    pub wait: Duration,
}

pub async fn brands(State(state): State<AppState>) -> Result<Json<Vec<Brand>>, ApiError> {
    let rows = {
        let connection = state.pool.get().await?;
        // Prepared once per connection, then reused, as asyncpg does.
        let statement = connection.prepare_cached(BRAND_QUERY).await?;
        connection.query(&statement, &[]).await?
    }; // the connection goes back to the pool here, before the wait
    if !state.wait.is_zero() {
        tokio::time::sleep(state.wait).await;
    }
    let brands = rows
        .iter()
        .map(|row| Brand {
            brand_id: row.get("brand_id"),
            brand_name: row.get("brand_name"),
        })
        .collect();
    Ok(Json(brands))
}

/// The app of this listing, also served by 9.8a and the `brands` compare.
pub fn app(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/brands", get(brands))
        .fallback(no_route)
        .with_state(state)
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    println!("Creating database pool.");
    let pool = db::pool(ctx).await?;
    let state = AppState {
        pool: pool.clone(),
        wait: Duration::from_millis(ctx.options::<crate::Options>().wait_ms.unwrap_or(0)),
    };
    let served = serve(ctx, app(state), &["/brands"], |address| async move {
        let client = demo_client()?;
        let (_, body) = show(
            "GET /brands",
            client.get(format!("http://{address}/brands")),
            120,
        )
        .await?;
        let brands: Vec<serde_json::Value> = serde_json::from_str(&body)?;
        println!("client: {} brands", brands.len());
        Ok(())
    })
    .await;
    println!("Destroying database pool.");
    println!("closed {} pooled connection(s)", db::close(&pool));
    served
}
