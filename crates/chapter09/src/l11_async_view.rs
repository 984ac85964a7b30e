//! Listing 9.11 — The async view: a handler that sends `request_num` GETs
//! to `url` at once and renders a summary page (status, time and body
//! length of each, failures listed) from a template.
//!
//! Django's `async def` view becomes an axum handler; aiohttp's session is
//! one `reqwest::Client` made at start-up and shared, so its connections
//! are reused; `asyncio.gather(..., return_exceptions=True)` is
//! `join_all` over futures that return `Result`s; the Django template is a
//! Jinja template rendered by minijinja, which escapes HTML as Django does.
//! 100 requests answer in about one latency of the target, not 100.
//! `--demo` asks for `--requests` (100) GETs of the demo server's
//! `/delay/500` (`--latency-ms` to change), then shows a failing target.
//!
//! Run: cargo run -p chapter09 -- 9.11 --demo

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Serialize;
use shared_util::Ctx;

use crate::api::{ApiError, no_route};
use crate::serving::{demo_client, serve};

/// The most requests one view may send.
pub const MAX_REQUESTS: usize = 10_000;

const TEMPLATE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Request summary</title></head>
<body>
<h1>Summary of {{ successful_results|length + failed_results|length }} requests to {{ url }}</h1>
<p id="elapsed">All of them took {{ elapsed_ms }} ms together.</p>
<h2>Failures: {{ failed_results|length }}</h2>
<table>
{%- for failure in failed_results %}
    <tr class="failure"><td>{{ failure }}</td></tr>
{%- endfor %}
</table>
<h2>Successful results: {{ successful_results|length }}</h2>
<table>
    <tr><th>Status code</th><th>Response time (microseconds)</th><th>Response size</th></tr>
{%- for result in successful_results %}
    <tr class="success"><td>{{ result.status }}</td><td>{{ result.time }}</td><td>{{ result.body_length }}</td></tr>
{%- endfor %}
</table>
</body>
</html>
"#;

#[derive(Serialize)]
struct Details {
    status: u16,
    /// Microseconds from sending to the whole body read.
    time: u128,
    body_length: usize,
}

async fn get_url_details(client: &reqwest::Client, url: &str) -> Result<Details, reqwest::Error> {
    let start = Instant::now();
    let response = client.get(url).send().await?;
    let status = response.status().as_u16();
    let body = response.text().await?;
    Ok(Details {
        status,
        time: start.elapsed().as_micros(),
        body_length: body.len(),
    })
}

/// The failures as text and the successes, as the template wants them.
pub async fn make_requests(
    client: &reqwest::Client,
    url: &str,
    request_num: usize,
) -> (Vec<String>, Vec<impl Serialize>) {
    let requests = (0..request_num).map(|_| get_url_details(client, url));
    let results = futures::future::join_all(requests).await;
    let (ok, failed): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    let failed_results = failed
        .into_iter()
        .filter_map(Result::err)
        .map(|e| error_chain(&e))
        .collect();
    (
        failed_results,
        ok.into_iter().filter_map(Result::ok).collect(),
    )
}

/// An error and its causes on one line ("error sending request: ...: Connection refused").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// Reads `url` and `request_num` from the query string, with a 400 that
/// says what is wrong.
pub fn parse_query(query: &HashMap<String, String>) -> Result<(String, usize), ApiError> {
    let url = query
        .get("url")
        .ok_or_else(|| ApiError::bad_request("url is required"))?;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ApiError::bad_request(format!(
            "url must be http:// or https://, not '{url}'"
        )));
    }
    let text = query
        .get("request_num")
        .ok_or_else(|| ApiError::bad_request("request_num is required"))?;
    let request_num = text
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_REQUESTS).contains(n))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "request_num must be a number from 1 to {MAX_REQUESTS}, not '{text}'"
            ))
        })?;
    Ok((url.clone(), request_num))
}

/// Renders the summary page.
pub fn render(
    url: &str,
    elapsed: Duration,
    failed: &[String],
    successful: &[impl Serialize],
) -> Result<String, ApiError> {
    let mut templates = minijinja::Environment::new();
    let page = templates
        .add_template("requests.html", TEMPLATE)
        .and_then(|()| templates.get_template("requests.html"))
        .and_then(|template| {
            template.render(minijinja::context! {
                url,
                elapsed_ms => elapsed.as_millis(),
                failed_results => failed,
                successful_results => successful,
            })
        });
    page.map_err(|e| ApiError {
        status: axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        message: format!("the template failed: {e}"),
    })
}

async fn requests_view(
    State(client): State<reqwest::Client>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Html<String>, ApiError> {
    let (url, request_num) = parse_query(&query)?;
    let start = Instant::now();
    let (failed, successful) = make_requests(&client, &url, request_num).await;
    Ok(Html(render(&url, start.elapsed(), &failed, &successful)?))
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let app = axum::Router::new()
        .route("/requests", get(requests_view))
        .fallback(no_route)
        .with_state(client);
    let latency = ctx.latency_or(Duration::from_millis(500));
    let target = ctx.url_with_latency(latency)?;
    let paths = [format!("/requests?request_num=100&url={target}")];
    serve(ctx, app, &[paths[0].as_str()], |address| async move {
        let client = demo_client()?;
        let view = format!("http://{address}/requests");
        // A port nobody listens on: every request fails.
        let closed = format!("http://{}/", shared_util::net::bind_loopback(0)?.local_addr()?);
        let asks = [
            (target.as_str(), ctx.requests_or(100).to_string()),
            (closed.as_str(), "3".to_owned()),
            (target.as_str(), "many".to_owned()),
        ];
        for (url, request_num) in asks {
            if let Some(server) = ctx.local_server() {
                server.reset_stats();
            }
            let start = Instant::now();
            let response = client
                .get(&view)
                .query(&[("url", url), ("request_num", request_num.as_str())])
                .send()
                .await?;
            let status = response.status();
            let page = response.text().await?;
            let took = start.elapsed().as_secs_f64();
            println!(
                "client: GET /requests?url={url}&request_num={request_num} -> {status} in {took:.2} s: {} success row(s), {} failure row(s)",
                page.matches(r#"<tr class="success">"#).count(),
                page.matches(r#"<tr class="failure">"#).count(),
            );
            if let Some(line) = page.lines().find(|l| l.contains("failure") && l.contains("<td>")) {
                println!("client: the first failure listed: {}", line.trim());
            }
            if !status.is_success() {
                println!("client: {page}");
            }
            if let Some(server) = ctx.local_server().filter(|_| url == target && status.is_success()) {
                println!(
                    "the demo server saw at most {} request(s) at once (one takes {} ms)",
                    server.stats().peak_in_flight,
                    latency.as_millis()
                );
            }
        }
        Ok(())
    })
    .await
}
