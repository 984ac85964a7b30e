//! How the REST listings answer errors: a status and a JSON body
//! `{"error": "..."}` that says what was wrong, never a stack trace.
//!
//! aiohttp raises `web.HTTPNotFound()` and `web.HTTPBadRequest()`; a
//! handler here returns `Err(ApiError)`, which axum turns into the answer
//! through `IntoResponse`. A database failure is logged on stderr with its
//! causes and answered 500 with a generic message: its details are for the
//! operator, not the client. A value the database refuses as data (SQL
//! state class 22: a NUL character in text, a number out of range) is the
//! client's error: 400, with the database's reason.

use axum::Json;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// An error answer: the status and the message for the client.
#[derive(Debug)]
pub struct ApiError {
    /// 400, 404, 413, 500, ...
    pub status: StatusCode,
    /// One line for the client.
    pub message: String,
}

impl ApiError {
    /// 400 Bad Request with `message`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// 404 Not Found with `message`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    /// 500, for a database error: logged here in full, answered in brief.
    pub fn database(error: &(dyn std::error::Error + 'static)) -> Self {
        eprintln!(
            "database error: {}",
            shared_util::demo::db::with_causes(error)
        );
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "the database could not answer; see the server's log".into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(serde_json::json!({ "error": self.message })),
        )
            .into_response()
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        Self::database(&error)
    }
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(error: tokio_postgres::Error) -> Self {
        match error.as_db_error() {
            // Class 22, "data exception": the value sent was unfit.
            Some(db) if db.code().code().starts_with("22") => {
                Self::bad_request(format!("the database refused a value: {}", db.message()))
            }
            _ => Self::database(&error),
        }
    }
}

/// The app's fallback: 404 in JSON for a path no route matches.
pub async fn no_route(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route for {method} {}", uri.path()))
}
