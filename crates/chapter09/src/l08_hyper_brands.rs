//! Listing 9.8 — The brands endpoint on a second stack: bare hyper, no
//! framework (the book moves it from aiohttp to Starlette).
//!
//! The handler is an `async fn` from a `Request` to a `Response`, wrapped
//! by `service_fn` into the same `Service` interface axum's `Router`
//! implements (see 9.6–9.7): that interface, not the framework, is what the
//! server needs. What axum did for 9.2 is written out: the accept loop, a
//! task per connection, routing by `if`, JSON by hand, graceful shutdown
//! with hyper-util's `GracefulShutdown`. Starlette's `on_startup` and
//! `on_shutdown` hooks are again code before and after the loop.
//!
//! Run: cargo run -p chapter09 -- 9.8 --demo   (or without --demo, then curl)

use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use shared_util::Ctx;
use tokio_util::sync::CancellationToken;

use crate::db::{self, BRAND_QUERY, Brand, Pool};
use crate::serving::{LIMITS, SHUTDOWN_BOUND, Stop, demo_client, listen, run_demo, show};

fn json(status: StatusCode, body: &impl serde::Serialize) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(
            serde_json::to_vec(body).unwrap_or_default(),
        )))
        .expect("a valid response")
}

async fn brands(pool: &Pool, request: &Request<Incoming>, wait: Duration) -> Response<Full<Bytes>> {
    if request.uri().path() != "/brands" {
        let message = format!("no route for {} {}", request.method(), request.uri().path());
        return json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({ "error": message }),
        );
    }
    let rows = async {
        let connection = pool.get().await.map_err(|e| e.to_string())?;
        // Prepared once per connection, then reused, as asyncpg does.
        let statement = connection
            .prepare_cached(BRAND_QUERY)
            .await
            .map_err(|e| e.to_string())?;
        connection
            .query(&statement, &[])
            .await
            .map_err(|e| e.to_string())
    }
    .await;
    let Ok(rows) = rows.inspect_err(|e| eprintln!("database error: {e}")) else {
        let message = "the database could not answer";
        return json(
            StatusCode::INTERNAL_SERVER_ERROR,
            &serde_json::json!({ "error": message }),
        );
    };
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    let brands: Vec<Brand> = rows
        .iter()
        .map(|row| Brand {
            brand_id: row.get("brand_id"),
            brand_name: row.get("brand_name"),
        })
        .collect();
    json(StatusCode::OK, &brands)
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let options = ctx.options::<crate::Options>();
    let (log, wait) = (
        !options.quiet,
        Duration::from_millis(options.wait_ms.unwrap_or(0)),
    );
    println!("Creating database pool.");
    let pool = db::pool(ctx).await?;
    let mut stop = Stop::install()?;
    let listener = listen(ctx, &["/brands"]).await?;
    let address = listener.local_addr()?;
    let graceful = GracefulShutdown::new();
    let stopping = CancellationToken::new();

    let accepting = {
        let (pool, stopping) = (pool.clone(), stopping.clone());
        async move {
            loop {
                let stream = tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => stream,
                        Err(e) => { eprintln!("accept failed: {e}"); continue; }
                    },
                    () = stopping.cancelled() => break,
                };
                let pool = pool.clone();
                let service = service_fn(move |request: Request<Incoming>| {
                    let pool = pool.clone();
                    async move {
                        let started = Instant::now();
                        let response = brands(&pool, &request, wait).await;
                        if log {
                            println!(
                                "{} {} -> {} ({:.1} ms)",
                                request.method(),
                                request.uri(),
                                response.status(),
                                started.elapsed().as_secs_f64() * 1000.0
                            );
                        }
                        Ok::<_, Infallible>(response)
                    }
                });
                // A client gets 10 s to send its header (a silent one
                // cannot hold a connection, or the shutdown, for ever).
                let connection = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(LIMITS.header_timeout)
                    .serve_connection(TokioIo::new(stream), service);
                tokio::spawn(graceful.watch(connection));
            }
            graceful
        }
    };
    let server = tokio::spawn(accepting);
    let demo = match ctx.flags.demo {
        true => Some(
            run_demo(async {
                let client = demo_client()?;
                for path in ["/brands", "/nothing"] {
                    show(
                        &format!("GET {path}"),
                        client.get(format!("http://{address}{path}")),
                        120,
                    )
                    .await?;
                }
                Ok(())
            })
            .await,
        ),
        false => None,
    };
    stop.wait().await;
    stopping.cancel();
    let graceful = server.await?;
    tokio::select! {
        finished = tokio::time::timeout(SHUTDOWN_BOUND, graceful.shutdown()) => {
            if finished.is_err() {
                println!(
                    "connections still open after {} s were dropped",
                    SHUTDOWN_BOUND.as_secs()
                );
            }
        }
        name = stop.again() => {
            println!("Got another {name}: quitting without waiting for the requests in flight");
        }
    }
    println!("server stopped");
    println!("Destroying database pool.");
    println!("closed {} pooled connection(s)", db::close(&pool));
    demo.transpose()?;
    Ok(())
}
