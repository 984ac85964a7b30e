//! Listings 9.6–9.7 — What sits between a server and an app: a blocking
//! interface (WSGI) and an async one (ASGI), in Rust's terms.
//!
//! WSGI is a function a server calls on one of its threads and waits for:
//! here a plain `fn(Request) -> Response`, served by 9.5's blocking server.
//! ASGI is a coroutine the server awaits: Rust's analogue is tower's
//! `Service` trait, `call` returning a future, plus `poll_ready`, a way to
//! say "not now" that ASGI lacks. hyper serves any `Service`, and an axum
//! `Router` is one, so the same call works with no server at all, as a
//! test would make it. The request and response types come from the `http`
//! crate on both sides, where WSGI and ASGI each define their own dicts.
//!
//! Run: cargo run -p chapter09 -- 9.6

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::task::{Context, Poll};

use axum::body::Bytes;
use axum::http::{Request, Response};
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use shared_util::Ctx;
use shared_util::net::{bind_loopback, bind_loopback_async};
use tower::{Service, ServiceExt as _};

use crate::blocking::BlockingServer;

/// Listing 9.6: the server calls this and waits; no state (`()`).
fn wsgi_application(_: &mut (), _request: Request<Vec<u8>>) -> Response<Vec<u8>> {
    Response::builder()
        .status(200)
        .header("content-type", "text/html")
        .body(b"WSGI hello!".to_vec())
        .expect("a valid response")
}

/// Listing 9.7: the server calls this and awaits the future it returns.
#[derive(Clone)]
struct AsgiApplication;

impl<B> Service<Request<B>> for AsgiApplication {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(())) // always ready to take a request
    }

    fn call(&mut self, _request: Request<B>) -> Self::Future {
        let response = Response::builder()
            .status(200)
            .header("content-type", "text/html")
            .body(Full::new(Bytes::from_static(b"ASGI hello!")))
            .expect("a valid response");
        ready(Ok(response))
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    // The WSGI-style app on a blocking server with two threads.
    let blocking = BlockingServer::start(bind_loopback(0)?, vec![(), ()], wsgi_application, false)?;
    // The Service on bare hyper: one task per connection.
    let listener = bind_loopback_async(0).await?;
    let async_address = listener.local_addr()?;
    let accepting = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let service = TowerToHyperService::new(AsgiApplication);
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service),
            );
        }
    });

    let client = reqwest::Client::new();
    for (what, address) in [
        ("blocking server, WSGI-style fn", blocking.address()),
        ("hyper, tower Service", async_address),
    ] {
        let response = client.get(format!("http://{address}/")).send().await?;
        let status = response.status();
        println!("{what}: {status} {}", response.text().await?);
    }

    // No server at all: a Service is just called.
    let response = AsgiApplication.oneshot(Request::new(())).await?;
    let body = response.into_body().collect().await?.to_bytes();
    println!(
        "AsgiApplication called directly: {}",
        String::from_utf8_lossy(&body)
    );
    let router = axum::Router::new().route("/", axum::routing::get(|| async { "axum hello!" }));
    let response = router
        .oneshot(
            Request::builder()
                .uri("/")
                .body(axum::body::Body::empty())?,
        )
        .await?;
    let body = response.into_body().collect().await?.to_bytes();
    println!(
        "axum Router called directly: {}",
        String::from_utf8_lossy(&body)
    );

    accepting.abort();
    blocking.stop();
    Ok(())
}
