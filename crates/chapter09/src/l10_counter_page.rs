//! Listing 9.10 — The page for 9.9's counter, served by the app at `/`:
//! open it in two browser tabs and both say 2; close one and the other
//! says 1.
//!
//! The book opens the page from a file and hard-codes
//! `ws://localhost:8000`; here the app serves it, and the script connects
//! to whatever host served it, so any `--port` works. The test opens it in
//! headless Chromium over WebDriver. `--demo` fetches the page and joins
//! two websocket clients in the page's place.
//!
//! Run: cargo run -p chapter09 -- 9.10   (then open http://127.0.0.1:8080/ in two tabs)

use std::sync::Arc;

use axum::response::Html;
use axum::routing::get;
use shared_util::Ctx;
use tokio_util::sync::CancellationToken;

use crate::l09_user_counter::{self, Client, CounterState};
use crate::serving::{demo_client, serve_with, show};

const PAGE: &str = r##"<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <title>Users online</title>
    <script>
        document.addEventListener("DOMContentLoaded", () => {
            const socket = new WebSocket(`ws://${location.host}/counter`);
            socket.onmessage = (event) => {
                document.querySelector("#counter").textContent = event.data;
            };
        });
    </script>
</head>
<body>
    <span>Users online: </span>
    <span id="counter"></span>
</body>
</html>
"##;

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    let state = CounterState {
        counter: Arc::default(),
        shutdown: shutdown.clone(),
    };
    let app = l09_user_counter::app(state).route("/", get(|| async { Html(PAGE) }));
    serve_with(ctx, app, &["/"], shutdown, |address| async move {
        let client = demo_client()?;
        show("GET /", client.get(format!("http://{address}/")), 70).await?;
        let url = format!("ws://{address}/counter");
        let mut first = Client::connect(&url).await?;
        println!("tab 1 shows: Users online: {}", first.next_count().await?);
        let mut second = Client::connect(&url).await?;
        println!("tab 1 shows: Users online: {}", first.next_count().await?);
        println!("tab 2 shows: Users online: {}", second.next_count().await?);
        second.close().await?;
        println!("tab 1 shows: Users online: {}", first.next_count().await?);
        Ok(())
    })
    .await
}
