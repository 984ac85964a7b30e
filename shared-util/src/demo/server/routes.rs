//! The demo server's routes: [`ROUTES`], the one list of them, each with
//! its handler, and [`dispatch`], the routing by hand (no framework: the
//! runner starts this server, and builds no axum).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{ALLOW, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Response, StatusCode};

use super::site;

/// What the demo server answers: a whole body, sent at once.
pub type Answer = Response<Full<Bytes>>;

/// A handler's answer, on its way.
type Handling = Pin<Box<dyn Future<Output = Answer> + Send>>;

/// One route of the demo server.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// The path; at most one last segment in braces, which matches any
    /// one segment: `/delay/{ms}`.
    pub path: &'static str,
    /// A path to try it with: `/delay/250`.
    pub example: &'static str,
    /// What it answers.
    pub about: &'static str,
    /// Its handler, for GET (and HEAD), given the text of the segment in
    /// braces (empty for a path without one).
    handler: fn(String) -> Handling,
}

impl Route {
    /// The segment in braces, percent-decoded, when `path` is this route's
    /// (an empty string for a path without braces); `None` otherwise.
    fn matches(&self, path: &str) -> Option<String> {
        match self.path.split_once('{') {
            None => (self.path == path).then(String::new),
            Some((prefix, _)) => path
                .strip_prefix(prefix)
                .filter(|segment| !segment.is_empty() && !segment.contains('/'))
                .map(|segment| {
                    percent_encoding::percent_decode_str(segment)
                        .decode_utf8_lossy()
                        .into_owned()
                }),
        }
    }
}

/// Every route the demo server serves, in the order the docs list them.
pub const ROUTES: &[Route] = &[
    Route {
        path: "/",
        example: "/",
        about: "a small example.com-like HTML page (status 200)",
        handler: |_| Box::pin(index()),
    },
    Route {
        path: "/delay/{ms}",
        example: "/delay/250",
        about: "status 200 after waiting `ms` milliseconds (at most 60 000)",
        handler: |ms| Box::pin(delay(ms)),
    },
    Route {
        path: "/status/{code}",
        example: "/status/503",
        about: "a one-line reply with that status code (200–599)",
        handler: |code| Box::pin(status(code)),
    },
    Route {
        path: "/site/{page}",
        example: "/site/0",
        about: "a generated site of 1000 linked pages for chapter 12's crawler, starting at `/site/0` (some slow, some with broken links, some linking back)",
        handler: |page| Box::pin(site_page(page)),
    },
];

/// The answer to `path` for `method`: its route's handler, 405 for a
/// method other than GET and HEAD, 404 for a path of no route.
pub(super) async fn dispatch(method: &Method, path: &str) -> Answer {
    let Some((route, segment)) = ROUTES
        .iter()
        .find_map(|route| Some((route, route.matches(path)?)))
    else {
        return not_found();
    };
    if method != Method::GET && method != Method::HEAD {
        let mut answer = with(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            "",
        );
        answer
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET,HEAD"));
        return answer;
    }
    (route.handler)(segment).await
}

/// An answer of `status` with `body`, of type `content_type`.
fn with(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Answer {
    let mut answer = Response::new(Full::new(body.into()));
    *answer.status_mut() = status;
    answer
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    answer
}

/// A text answer: one line, as a human reads it in curl.
fn text(status: StatusCode, body: String) -> Answer {
    with(status, "text/plain; charset=utf-8", body)
}

/// An HTML page, 200.
fn html(body: impl Into<Bytes>) -> Answer {
    with(StatusCode::OK, "text/html; charset=utf-8", body)
}

const PAGE: &str = r#"<!doctype html>
<html>
<head>
    <title>Demo Domain</title>
    <meta charset="utf-8" />
</head>
<body>
<div>
    <h1>Demo Domain</h1>
    <p>This page is served from 127.0.0.1 by the workspace's demo server, so
    that every listing runs without a network. Point a listing at a real
    site with --url.</p>
</div>
</body>
</html>
"#;

async fn index() -> Answer {
    html(PAGE)
}

/// The longest `/delay/{ms}` we accept, so a typo cannot hang a client.
const MAX_DELAY_MS: u64 = 60_000;

async fn delay(ms: String) -> Answer {
    match ms.parse::<u64>() {
        Ok(ms) if ms <= MAX_DELAY_MS => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            text(StatusCode::OK, format!("waited {ms} ms\n"))
        }
        _ => text(
            StatusCode::BAD_REQUEST,
            format!(
                "/delay/{{ms}} takes a whole number of milliseconds up to {MAX_DELAY_MS}, not '{ms}'\n"
            ),
        ),
    }
}

async fn status(code: String) -> Answer {
    // `StatusCode` takes anything from 100 to 999; the route promises
    // the codes HTTP defines for an answer to a GET.
    match code
        .parse::<u16>()
        .ok()
        .filter(|c| (200..=599).contains(c))
        .and_then(|c| StatusCode::from_u16(c).ok())
    {
        Some(status) => text(status, format!("status {code}\n")),
        _ => text(
            StatusCode::BAD_REQUEST,
            format!("/status/{{code}} takes a status code from 200 to 599, not '{code}'\n"),
        ),
    }
}

async fn site_page(page: String) -> Answer {
    match page
        .parse::<u32>()
        .ok()
        .and_then(|n| Some((n, site::html(n)?)))
    {
        Some((n, page_html)) => {
            if site::is_slow(n) {
                tokio::time::sleep(site::SLOW_PAGE_DELAY).await;
            }
            html(page_html)
        }
        None => text(
            StatusCode::NOT_FOUND,
            format!(
                "not found: the generated site has pages /site/0 to /site/{}, not '{page}'\n",
                site::PAGES - 1
            ),
        ),
    }
}

fn not_found() -> Answer {
    let paths: Vec<&str> = ROUTES.iter().map(|route| route.path).collect();
    let line = format!("not found: the demo server serves {}\n", paths.join(", "));
    text(StatusCode::NOT_FOUND, line)
}
