//! Listing 9.3 — `GET /products/{id}`: 200 with the product as JSON, 404
//! for an id no product has, 400 for an id that is not a number.
//!
//! aiohttp's `request.match_info['id']` becomes axum's `Path` extractor.
//! The id is taken as text and parsed in the handler, as the book does with
//! `int(str_id)`, so a bad id gets our JSON 400 rather than axum's plain
//! rejection. The id goes to PostgreSQL as a bind parameter (`$1`), never
//! pasted into the SQL. Errors answer `{"error": "..."}`.
//!
//! Run: cargo run -p chapter09 -- 9.3 --demo   (or without --demo, then curl)

use axum::Json;
use axum::extract::{Path, State};
use axum::routing::get;
use serde::Serialize;
use shared_util::Ctx;

use crate::api::{ApiError, no_route};
use crate::db::{self, Pool};
use crate::serving::{demo_client, serve, show};

const PRODUCT_QUERY: &str = "
    SELECT product_id, product_name, brand_id
    FROM product
    WHERE product_id = $1";

#[derive(Serialize)]
pub struct Product {
    product_id: i32,
    product_name: String,
    brand_id: i32,
}

pub async fn get_product(
    State(pool): State<Pool>,
    Path(str_id): Path<String>,
) -> Result<Json<Product>, ApiError> {
    let product_id: i32 = str_id.parse().map_err(|_| {
        ApiError::bad_request(format!("product id must be a number, not '{str_id}'"))
    })?;
    let connection = pool.get().await?;
    let statement = connection.prepare_cached(PRODUCT_QUERY).await?;
    match connection.query_opt(&statement, &[&product_id]).await? {
        Some(row) => Ok(Json(Product {
            product_id: row.get("product_id"),
            product_name: row.get("product_name"),
            brand_id: row.get("brand_id"),
        })),
        None => Err(ApiError::not_found(format!(
            "no product with id {product_id}"
        ))),
    }
}

/// The app of this listing: `/products/{id}` over `pool`.
pub fn app(pool: Pool) -> axum::Router {
    axum::Router::new()
        .route("/products/{id}", get(get_product))
        .fallback(no_route)
        .with_state(pool)
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    println!("Creating database pool.");
    let pool = db::pool(ctx).await?;
    let served = serve(
        ctx,
        app(pool.clone()),
        &["/products/10", "/products/abc"],
        |address| async move {
            let client = demo_client()?;
            for id in ["10", "999999", "abc", "99999999999"] {
                let url = format!("http://{address}/products/{id}");
                show(&format!("GET /products/{id}"), client.get(url), 200).await?;
            }
            Ok(())
        },
    )
    .await;
    println!("Destroying database pool.");
    println!("closed {} pooled connection(s)", db::close(&pool));
    served
}

#[cfg(test)]
mod tests {
    //! The 400s in process, through `tower::ServiceExt::oneshot`. The pool
    //! points nowhere and is never asked: a bad id is refused before any
    //! query. 200 and 404 need the products, and are tested on the binary
    //! against the demo database in `tests/main/rest.rs`.
    use axum::body::{Body, to_bytes};
    use axum::http::{Request, StatusCode};
    use deadpool_postgres::tokio_postgres::{Config, NoTls};
    use deadpool_postgres::{Manager, Pool};
    use tower::ServiceExt;

    async fn get(path: &str) -> (StatusCode, String) {
        let nowhere = Pool::builder(Manager::new(Config::new(), NoTls))
            .max_size(1)
            .build()
            .unwrap();
        let request = Request::get(path).body(Body::empty()).unwrap();
        let answer = super::app(nowhere).oneshot(request).await.unwrap();
        let status = answer.status();
        let body = to_bytes(answer.into_body(), 64 * 1024).await.unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn an_id_that_is_not_a_number_is_a_400_before_any_query() {
        let (status, body) = get("/products/abc").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            r#"{"error":"product id must be a number, not 'abc'"}"#
        );
        // Past i32, as the book's int() would not refuse but PostgreSQL would.
        let (status, body) = get("/products/99999999999").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }

    #[tokio::test]
    async fn other_paths_answer_404_in_json() {
        let (status, body) = get("/products").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains(r#""error""#), "{body}");
    }
}
