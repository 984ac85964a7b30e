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

/// The app of this listing: `/time`, and 404 for anything else.
pub fn app() -> axum::Router {
    axum::Router::new()
        .route("/time", get(time))
        .fallback(no_route)
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    serve(ctx, app(), &["/time"], |address| async move {
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

#[cfg(test)]
mod tests {
    //! The routes in process, through `tower::ServiceExt::oneshot`: no
    //! socket, no server. Serving, signals and shutdown are tested on the
    //! binary in `tests/main/rest.rs`.
    use axum::body::{Body, to_bytes};
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    async fn get(path: &str) -> (StatusCode, serde_json::Value) {
        let request = Request::get(path).body(Body::empty()).unwrap();
        let answer = super::app().oneshot(request).await.unwrap();
        let status = answer.status();
        let body = to_bytes(answer.into_body(), 64 * 1024).await.unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn time_answers_month_day_and_time_of_day_as_json() {
        let (status, now) = get("/time").await;
        assert_eq!(status, StatusCode::OK);
        let month = now["month"].as_u64().unwrap();
        let day = now["day"].as_u64().unwrap();
        assert!(
            (1..=12).contains(&month) && (1..=31).contains(&day),
            "{now}"
        );
        // Python's str(datetime.time()): HH:MM:SS.ffffff
        let time = now["time"].as_str().unwrap();
        assert_eq!(time.len(), 15, "{time}");
        assert_eq!((&time[2..3], &time[5..6], &time[8..9]), (":", ":", "."));
    }

    #[tokio::test]
    async fn any_other_path_answers_404_in_json() {
        let (status, body) = get("/nothing").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(
            body["error"].as_str().unwrap().contains("/nothing"),
            "{body}"
        );
    }
}
