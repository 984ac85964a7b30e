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

#[cfg(test)]
mod tests {
    //! The route in process (`tower::ServiceExt::oneshot`) on a paused
    //! clock: the delay is whole tenths up to 2 s, the count 0 to 100.
    use axum::body::{Body, to_bytes};
    use axum::http::{Request, StatusCode};
    use tokio::time::{Duration, Instant};
    use tower::ServiceExt;

    #[tokio::test(start_paused = true)]
    async fn inventory_answers_0_to_100_after_whole_tenths_of_at_most_2_s() {
        for _ in 0..20 {
            let started = Instant::now();
            let request = Request::get("/products/7/inventory")
                .body(Body::empty())
                .unwrap();
            let answer = super::router().oneshot(request).await.unwrap();
            let waited = started.elapsed();
            assert_eq!(answer.status(), StatusCode::OK);
            let body = to_bytes(answer.into_body(), 1024).await.unwrap();
            let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let inventory = json["inventory"].as_u64().unwrap();
            assert!(inventory <= 100, "{json}");
            assert!(waited <= Duration::from_secs(2), "{waited:?}");
            assert_eq!(waited.as_millis() % 100, 0, "{waited:?}");
        }
    }

    #[tokio::test]
    async fn an_id_that_is_not_a_number_is_refused() {
        let request = Request::get("/products/abc/inventory")
            .body(Body::empty())
            .unwrap();
        let answer = super::router().oneshot(request).await.unwrap();
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    }
}
