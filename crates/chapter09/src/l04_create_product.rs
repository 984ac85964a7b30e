//! Listing 9.4 — `POST /product` with a JSON body: 201 when the product is
//! stored; 400 for no body, a body that is not JSON, a missing field or a
//! field of the wrong type; 413 for a body over `--body-limit` bytes.
//!
//! The book checks `PRODUCT_NAME in body` by hand; here serde checks the
//! body against a struct, and its message says which field was wrong. The
//! name goes to PostgreSQL as a bind parameter, so a name full of quotes
//! and SQL is stored as it is. Unlike the book, the 201 carries the new
//! product's id, and 9.3's `GET /products/{id}` is mounted too, so the
//! client can read back what it stored. An unknown `brand_id` is a 400
//! (the book's foreign-key error would be a 500).
//!
//! Run: cargo run -p chapter09 -- 9.4 --demo   (or without --demo, then curl)

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use shared_util::Ctx;
use tokio_postgres::error::SqlState;

use crate::api::{ApiError, no_route};
use crate::db::{self, Pool};
use crate::l03_product::get_product;
use crate::serving::{demo_client, serve, show};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewProduct {
    product_name: String,
    brand_id: i32,
}

async fn create_product(
    State(pool): State<Pool>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    // Over the limit: axum stops reading and says 413.
    let body = body.map_err(|rejection| ApiError {
        status: rejection.status(),
        message: rejection.body_text(),
    })?;
    if body.is_empty() {
        return Err(ApiError::bad_request("a JSON body is required"));
    }
    let product: NewProduct = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("invalid product: {e}")))?;
    let connection = pool.get().await?;
    let inserted = connection
        .query_one(
            "INSERT INTO product(product_id, product_name, brand_id)
             VALUES(DEFAULT, $1, $2) RETURNING product_id",
            &[&product.product_name, &product.brand_id],
        )
        .await;
    match inserted {
        Ok(row) => {
            let product_id: i32 = row.get(0);
            Ok((
                StatusCode::CREATED,
                Json(serde_json::json!({ "product_id": product_id })),
            ))
        }
        Err(e) if e.code() == Some(&SqlState::FOREIGN_KEY_VIOLATION) => Err(ApiError::bad_request(
            format!("no brand with id {}", product.brand_id),
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    println!("Creating database pool.");
    let pool = db::pool(ctx).await?;
    let limit = ctx.options::<crate::Options>().body_limit;
    let app = axum::Router::new()
        .route("/product", post(create_product))
        .route("/products/{id}", get(get_product))
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(pool.clone());
    let served = serve(
        ctx,
        app,
        &["/product -d '{\"product_name\": \"x\", \"brand_id\": 1}'"],
        |address| async move {
            let client = demo_client()?;
            let url = format!("http://{address}/product");
            let tricky = r#"Robert'); DROP TABLE product; -- "quoted""#;
            let bodies = [
                serde_json::json!({"product_name": "product_name", "brand_id": 1}).to_string(),
                serde_json::json!({"product_name": tricky, "brand_id": 1}).to_string(),
                String::new(),
                "not json".to_owned(),
                r#"{"product_name": "no brand"}"#.to_owned(),
                r#"{"product_name": "x", "brand_id": "one"}"#.to_owned(),
                r#"{"product_name": "x", "brand_id": 999999}"#.to_owned(),
                format!(
                    r#"{{"product_name": "{}", "brand_id": 1}}"#,
                    "x".repeat(limit)
                ),
            ];
            for body in bodies {
                let shown: String = body.chars().take(60).collect();
                let (status, answer) = show(
                    &format!("POST /product {shown}"),
                    client.post(&url).body(body),
                    200,
                )
                .await?;
                if status == 201 {
                    let id =
                        serde_json::from_str::<serde_json::Value>(&answer)?["product_id"].clone();
                    show(
                        &format!("GET /products/{id}"),
                        client.get(format!("http://{address}/products/{id}")),
                        200,
                    )
                    .await?;
                }
            }
            Ok(())
        },
    )
    .await;
    println!("Destroying database pool.");
    println!("closed {} pooled connection(s)", db::close(&pool));
    served
}
