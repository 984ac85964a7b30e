//! Listing 9.1 — A first endpoint: `GET /time` answers the month, the day
//! and the time of day as JSON.
//!
//! aiohttp's `RouteTableDef` and `@routes.get` become an axum `Router` with
//! `.route("/time", get(time))`; `web.json_response` becomes `Json(...)`,
//! which serialises with serde. The book reads the local clock. std has no
//! calendar, so this uses the `time` crate, which can give local time
//! (`now_local`, feature `local-offset`) but, on Linux and most Unixes,
//! refuses with an error once the process has a second thread, because
//! reading the time zone races with any thread changing the environment.
//! A handler cannot count on its process having one thread (the multi-
//! thread runtime, the blocking pool, the demo's client), so this answers
//! in UTC by choice: it never fails, and it is what an API is usually
//! expected to answer. Unknown paths answer 404 in JSON.
//!
//! Run: cargo run -p chapter09 -- 9.1 --demo   (or without --demo, then curl)

use axum::Json;
use axum::routing::get;
use serde::Serialize;
use shared_util::Ctx;

use crate::api::no_route;
use crate::serving::{demo_client, serve, show};

#[derive(Serialize)]
struct Now {
    month: u8,
    day: u8,
    time: String,
}

async fn time() -> Json<Now> {
    let today = time::OffsetDateTime::now_utc();
    Json(Now {
        month: today.month().into(),
        day: today.day(),
        // Python's str(datetime.time()): 14:05:09.123456
        time: format!(
            "{:02}:{:02}:{:02}.{:06}",
            today.hour(),
            today.minute(),
            today.second(),
            today.microsecond()
        ),
    })
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let app = axum::Router::new()
        .route("/time", get(time))
        .fallback(no_route);
    serve(ctx, app, &["/time"], |address| async move {
        let client = demo_client()?;
        show(
            "GET /time",
            client.get(format!("http://{address}/time")),
            200,
        )
        .await?;
        show(
            "GET /nothing",
            client.get(format!("http://{address}/nothing")),
            200,
        )
        .await?;
        Ok(())
    })
    .await
}
