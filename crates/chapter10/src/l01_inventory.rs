//! Listing 10.1 — The inventory service: a random delay, then a random stock count.
//!
//! `GET /products/{id}/inventory` waits 0 to 2 s (in tenths) and answers
//! `{"inventory": N}` with N from 0 to 100: a stand-in for a slow, uneven
//! backend. The delay is a Tokio sleep, so a thousand calls wait at once on
//! one thread. If the caller hangs up first, hyper drops the handler's
//! future mid-sleep: the call stops there (the service counts it as
//! cancelled). aiohttp (since 3.9) cancels the handler's task only when
//! the app runs with `handler_cancellation=True`; by default the handler
//! runs on, and its next read or write on the gone connection raises.
//!
//! Run: cargo run -p chapter10 -- 10.1   (then curl http://127.0.0.1:8001/products/1/inventory)

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use rand::Rng as _;
use serde_json::{Value, json};
use shared_util::Ctx;

use crate::services::{App, Kind, serve_alone};

async fn get_inventory(Path(_product_id): Path<i64>) -> Json<Value> {
    // The generator is not kept across the await: `rand::rng()` is per
    // thread and not `Send`, and a handler's future must be.
    let (tenths, inventory) = {
        let mut rng = rand::rng();
        (rng.random_range(0..=20_u64), rng.random_range(0..=100_u32))
    };
    tokio::time::sleep(Duration::from_millis(tenths * 100)).await;
    Json(json!({ "inventory": inventory }))
}

/// The service's routes.
pub fn router() -> Router {
    Router::new().route("/products/{id}/inventory", get(get_inventory))
}

/// What the service serves: its routes (no database).
pub async fn app(_ctx: &Ctx) -> anyhow::Result<App> {
    Ok(App {
        router: router(),
        pool: None,
    })
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    serve_alone(ctx, Kind::Inventory, app(ctx)).await
}
