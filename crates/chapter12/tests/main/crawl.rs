//! The crawler (12.4) on a site that is not the demo's and does not play
//! nice: a redirect to another server, a 50 MB page (with and without a
//! Content-Length), JSON and binary answers, a redirect loop. The site runs
//! in this test on real sockets, port 0; the crawler is the real binary,
//! whose peak memory the runner writes to the file named in `STATS_ENV`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use test_harness::Run;

const BIN: &str = env!("CARGO_BIN_EXE_chapter12");

/// The size of the big pages: 25 times the crawler's cap.
const BIG: usize = 50 * 1024 * 1024;

/// A server on 127.0.0.1:0 that runs until the test ends.
fn serve(runtime: &tokio::runtime::Runtime, app: Router) -> u16 {
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a free port");
    let port = listener.local_addr().expect("its address").port();
    runtime.spawn(async move { axum::serve(listener, app).await });
    port
}

/// 50 MB of HTML in 64 KiB chunks, counting what it hands to the socket.
fn big_page(sent: Arc<AtomicUsize>) -> Body {
    let chunk = axum::body::Bytes::from("<p>filler</p>".repeat(64 * 1024 / 13));
    let stream = futures::stream::unfold(0, move |so_far| {
        let chunk = chunk.clone();
        let sent = sent.clone();
        async move {
            (so_far < BIG).then(|| {
                sent.fetch_add(chunk.len(), Ordering::SeqCst);
                (Ok::<_, std::io::Error>(chunk.clone()), so_far + chunk.len())
            })
        }
    });
    Body::from_stream(stream)
}

fn redirect(to: String) -> impl IntoResponse {
    (StatusCode::FOUND, [(LOCATION, to)])
}

#[test]
fn listing_12_4_reads_only_same_site_html_under_the_cap() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    // Another site, on another port: the crawler must never ask it anything.
    let elsewhere_hits = Arc::new(AtomicUsize::new(0));
    let hits = elsewhere_hits.clone();
    let elsewhere = serve(
        &runtime,
        Router::new().fallback(move || {
            hits.fetch_add(1, Ordering::SeqCst);
            async { Html("<a href=\"/more\">more</a>") }
        }),
    );
    let sent = Arc::new(AtomicUsize::new(0));
    let (chunked, declared) = (sent.clone(), sent.clone());
    let home = r#"<a href="/away">a</a> <a href="/hop">b</a> <a href="/loop">c</a>
        <a href="/json">d</a> <a href="/octets">e</a> <a href="/big">f</a> <a href="/big-declared">g</a>"#;
    let site = Router::new()
        .route("/", get(move || async move { Html(home) }))
        .route(
            "/away",
            get(move || async move { redirect(format!("http://127.0.0.1:{elsewhere}/")) }),
        )
        .route("/hop", get(|| async { redirect("/landing".into()) }))
        .route("/landing", get(|| async { Html("<p>landed</p>") }))
        .route("/loop", get(|| async { redirect("/loop".into()) }))
        .route(
            "/json",
            get(|| async { axum::Json(serde_json::json!({"a": "<a href=\"/x\">"})) }),
        )
        .route(
            "/octets",
            get(|| async {
                (
                    [(CONTENT_TYPE, "application/octet-stream")],
                    "<a href=\"/y\">",
                )
            }),
        )
        .route("/big", get(move || async move { Html(big_page(chunked)) }))
        .route(
            "/big-declared",
            get(move || async move {
                let mut headers = HeaderMap::new();
                headers.insert(CONTENT_LENGTH, BIG.into());
                (headers, Html(big_page(declared)))
            }),
        );
    let port = serve(&runtime, site);

    let stats = std::env::temp_dir().join(format!("crawl-stats-{}", std::process::id()));
    let url = format!("http://127.0.0.1:{port}/");
    let run: Run = test_harness::run_bin_with(
        BIN,
        &["12.4", "--url", &url, "--max-depth", "1"],
        "",
        &[(runner::compare::STATS_ENV, stats.to_str().unwrap())],
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let skipped = |path: &str, why: &str| {
        let line = format!("Skipped url {url}{path}: {why}");
        assert!(
            run.stdout.contains(&line),
            "no {line:?} in:\n{}",
            run.stdout
        );
    };
    skipped(
        "away",
        &format!("redirected off-site to http://127.0.0.1:{elsewhere}/: not followed"),
    );
    skipped(
        "json",
        "content type application/json, not text/html: not parsed",
    );
    skipped(
        "octets",
        "content type application/octet-stream, not text/html: not parsed",
    );
    skipped("big", "larger than 2 MiB: not read past that");
    skipped("big-declared", "larger than 2 MiB: not read past that");
    let looped =
        format!("Error processing url {url}loop: more than 5 redirects: stopped before {url}loop");
    assert!(run.stdout.contains(&looped), "{}", run.stdout);
    assert_eq!(
        elsewhere_hits.load(Ordering::SeqCst),
        0,
        "the other site was asked"
    );
    // Home and /hop (followed to /landing on the same site) are pages.
    let summary = run.lines()[run.position("Visited 8 URL(s) in ")];
    assert!(
        summary.ends_with(": 2 page(s), 5 skipped, 1 error(s); 100 worker(s), max depth 1"),
        "{summary}"
    );
    // The rate has a decimal, so a slow crawl does not read "0 per second".
    let rate = summary.split(", ").nth(1).unwrap();
    assert!(
        rate.ends_with(" per second: 2 page(s)") && rate.contains('.'),
        "{rate}"
    );

    // Neither big page was held: the crawler's peak memory stayed far
    // below one of them, and the server could not push one through.
    let stats_line = std::fs::read_to_string(&stats).expect("the runner wrote its stats");
    let _ = std::fs::remove_file(&stats);
    let peak: u64 = stats_line
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        peak > 0 && peak < 100 << 20,
        "peak resident memory {peak} bytes"
    );
    assert!(
        sent.load(Ordering::SeqCst) < BIG,
        "a whole big page was sent"
    );
}
