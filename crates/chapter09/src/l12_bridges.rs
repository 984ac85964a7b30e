//! Listing 9.12 — The bridges between blocking and async code, in both
//! directions, as Django's `sync_to_async` and `async_to_sync`.
//!
//! `/sync_to_async` runs a blocking `sleep` `num_calls` times from an
//! async handler: on Tokio's blocking pool (`spawn_blocking`), which has at
//! most `--limit` threads (4 here; Tokio's default is 512), so calls past
//! the limit wait for a thread; or, with `thread_sensitive=true`, one at a
//! time on a single thread of their own, like Django's default. The answer
//! says how long it took and how many ran at once. `/async_to_sync` is a
//! blocking view, run on a blocking-pool thread, that calls 9.11's async
//! `make_requests` with `Handle::block_on`: allowed there, a panic on a
//! runtime thread ("Cannot start a runtime from within a runtime").
//!
//! Run: cargo run -p chapter09 -- 9.12 --demo --scale 0.2

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use shared_util::Ctx;
use tokio::runtime::Handle;

use crate::api::{ApiError, no_route};
use crate::l11_async_view::{make_requests, parse_query, render};
use crate::serving::{Gauge, demo_client, serve, show};

/// The blocking function both ways call: the book's `time.sleep`.
fn sleep(seconds: f64, gauge: &Gauge) {
    let _running = gauge.enter();
    std::thread::sleep(Duration::from_secs_f64(seconds));
}

/// One thread that runs the blocking calls handed to it, one at a time:
/// `thread_sensitive=True`.
struct OneThread {
    jobs: std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>,
}

impl OneThread {
    fn start() -> anyhow::Result<Self> {
        let (jobs, queue) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        std::thread::Builder::new()
            .name("thread-sensitive".into())
            .spawn(move || queue.into_iter().for_each(|job| job()))?;
        Ok(Self { jobs })
    }

    /// Runs `f` on the thread and waits (asynchronously) for it.
    async fn run(&self, f: impl FnOnce() + Send + 'static) -> anyhow::Result<()> {
        let (done, finished) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                f();
                let _ = done.send(());
            }))
            .map_err(|_| anyhow::anyhow!("the thread-sensitive thread is gone"))?;
        Ok(finished.await?)
    }
}

struct Bridges {
    one_thread: OneThread,
    client: reqwest::Client,
    limit: usize,
}

fn number<T: std::str::FromStr>(
    query: &HashMap<String, String>,
    name: &str,
    ok: impl Fn(&T) -> bool,
) -> Result<T, ApiError> {
    let text = query.get(name).map_or("", String::as_str);
    text.parse::<T>().ok().filter(ok).ok_or_else(|| {
        ApiError::bad_request(format!("{name} is missing or out of range: '{text}'"))
    })
}

async fn sync_to_async_view(
    State(bridges): State<Arc<Bridges>>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<String, ApiError> {
    let sleep_time: f64 = number(&query, "sleep_time", |s| (0.0..=60.0).contains(s))?;
    let num_calls: usize = number(&query, "num_calls", |n| (1..=1000).contains(n))?;
    let thread_sensitive = matches!(
        query.get("thread_sensitive").map(String::as_str),
        Some("true" | "True")
    );
    let gauge = Arc::new(Gauge::default());
    let start = Instant::now();
    let calls = (0..num_calls).map(|_| {
        let gauge = Arc::clone(&gauge);
        let bridges = Arc::clone(&bridges);
        async move {
            let call = move || sleep(sleep_time, &gauge);
            match thread_sensitive {
                true => bridges.one_thread.run(call).await,
                false => tokio::task::spawn_blocking(call)
                    .await
                    .map_err(anyhow::Error::from),
            }
        }
    });
    for outcome in futures::future::join_all(calls).await {
        outcome.map_err(|e| ApiError::bad_request(e.to_string()))?;
    }
    let place = match thread_sensitive {
        true => "on one thread".to_owned(),
        false => format!("on the blocking pool of {}", bridges.limit),
    };
    Ok(format!(
        "{num_calls} call(s) of sleep({sleep_time}) {place}: {:.2} s, at most {} at once\n",
        start.elapsed().as_secs_f64(),
        gauge.peak()
    ))
}

/// A blocking view: no `.await` in it. `block_on` drives the async
/// requests to the end from this (non-runtime) thread.
fn requests_view_sync(
    handle: &Handle,
    client: &reqwest::Client,
    url: &str,
    request_num: usize,
) -> Result<Html<String>, ApiError> {
    let start = Instant::now();
    let (failed, successful) = handle.block_on(make_requests(client, url, request_num));
    Ok(Html(render(url, start.elapsed(), &failed, &successful)?))
}

async fn async_to_sync_view(
    State(bridges): State<Arc<Bridges>>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Html<String>, ApiError> {
    let (url, request_num) = parse_query(&query)?;
    let handle = Handle::current();
    // Run the blocking view where blocking is allowed, as a WSGI thread would.
    tokio::task::spawn_blocking(move || {
        requests_view_sync(&handle, &bridges.client, &url, request_num)
    })
    .await
    .map_err(|e| ApiError::bad_request(format!("the blocking view failed: {e}")))?
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let limit = ctx.limit_or(4);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(limit)
        .enable_all()
        .build()?;
    println!("one runtime thread; a blocking pool of at most {limit} thread(s) (--limit)");
    runtime.block_on(serve_bridges(ctx, limit))
}

async fn serve_bridges(ctx: &Ctx, limit: usize) -> anyhow::Result<()> {
    let bridges = Arc::new(Bridges {
        one_thread: OneThread::start()?,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?,
        limit,
    });
    let app = axum::Router::new()
        .route("/sync_to_async", get(sync_to_async_view))
        .route("/async_to_sync", get(async_to_sync_view))
        .fallback(no_route)
        .with_state(bridges);
    let target = ctx.url_with_latency(Duration::from_millis(500))?;
    let paths = [
        "/sync_to_async?sleep_time=1&num_calls=8&thread_sensitive=false".to_owned(),
        format!("/async_to_sync?request_num=10&url={target}"),
    ];
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    serve(ctx, app, &paths, |address| async move {
        let client = demo_client()?;
        let seconds = ctx.scale().to_string();
        let sync_to_async = format!("http://{address}/sync_to_async");
        for (calls, sensitive) in [(limit, "false"), (2 * limit, "false"), (limit, "true")] {
            let query = [("sleep_time", seconds.clone()), ("num_calls", calls.to_string()), ("thread_sensitive", sensitive.into())];
            let what = format!("GET /sync_to_async?sleep_time={seconds}&num_calls={calls}&thread_sensitive={sensitive}");
            show(&what, client.get(&sync_to_async).query(&query), 200).await?;
        }
        let start = Instant::now();
        let response = client
            .get(format!("http://{address}/async_to_sync"))
            .query(&[("url", target.as_str()), ("request_num", "10")])
            .send()
            .await?;
        let status = response.status();
        let page = response.text().await?;
        println!(
            "client: GET /async_to_sync?url={target}&request_num=10 -> {status} in {:.2} s: {} success row(s)",
            start.elapsed().as_secs_f64(),
            page.matches(r#"<tr class="success">"#).count()
        );
        Ok(())
    })
    .await
}
