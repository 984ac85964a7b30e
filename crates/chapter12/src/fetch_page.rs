//! How the crawler (listing 12.4) fetches one page without trusting the
//! site: redirects are followed only on the same site, a page is read in
//! chunks up to [`MAX_PAGE_BYTES`], and only `text/html` is read at all.
//!
//! The book's `aiohttp` session follows any redirect (to any host, ten
//! times) and `response.text()` reads whatever comes, however large: one
//! 50 MB page would be held whole, then parsed whole. Here a redirect to
//! another site, a page over the cap and a JSON or binary answer are each
//! reported and skipped, and memory per page stays under the cap.

use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::{Client, Response, Url, redirect};

/// The most a page may weigh; a larger one is not read past this.
pub const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// The most redirects followed for one page, all on the same site.
pub const MAX_REDIRECTS: usize = 5;

/// A page read whole: the URL it came from after any redirects (its links
/// are relative to that) and its text.
#[derive(Debug)]
pub struct Page {
    pub url: Url,
    pub body: String,
}

/// Why a page was not read.
#[derive(Debug)]
pub enum NotRead {
    /// The crawler chose not to read it: off-site, not HTML, too large.
    Skipped(String),
    /// It failed: a connection, an error status, a redirect loop.
    Failed(String),
}

/// The crawler's client: redirects only to the same scheme, host and port
/// as the page asked for, at most [`MAX_REDIRECTS`] of them. Any other
/// redirect is not followed; the 3xx answer comes back to [`fetch_html`],
/// which says why.
pub fn client() -> Client {
    let policy = redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().map(Url::origin);
        if Some(attempt.url().origin()) != first || attempt.previous().len() > MAX_REDIRECTS {
            attempt.stop()
        } else {
            attempt.follow()
        }
    });
    Client::builder()
        .redirect(policy)
        .build()
        .expect("a client with rustls and no system settings to read")
}

/// Fetches `url` and reads it if it is HTML no larger than [`MAX_PAGE_BYTES`].
pub async fn fetch_html(client: &Client, url: &Url) -> Result<Page, NotRead> {
    let failed = |error: reqwest::Error| NotRead::Failed(error.without_url().to_string());
    let response = client.get(url.clone()).send().await.map_err(failed)?;
    let mut response = response.error_for_status().map_err(failed)?;
    if response.status().is_redirection() {
        return Err(redirect_not_followed(&response));
    }
    let content_type = response.headers().get(CONTENT_TYPE);
    let content_type = content_type.and_then(|v| v.to_str().ok()).unwrap_or("none");
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("text/html") {
        return Err(NotRead::Skipped(format!(
            "content type {content_type}, not text/html: not parsed"
        )));
    }
    let too_large = || {
        let mib = MAX_PAGE_BYTES >> 20;
        NotRead::Skipped(format!("larger than {mib} MiB: not read past that"))
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_PAGE_BYTES as u64)
    {
        return Err(too_large());
    }
    // The length may be absent or false: count what actually arrives.
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        if body.len() + chunk.len() > MAX_PAGE_BYTES {
            return Err(too_large()); // dropping the response closes the connection
        }
        body.extend_from_slice(&chunk);
    }
    let url = response.url().clone();
    let body = String::from_utf8_lossy(&body).into_owned();
    Ok(Page { url, body })
}

/// A 3xx the client did not follow: off-site, or one redirect too many.
fn redirect_not_followed(response: &Response) -> NotRead {
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok());
    let Some(target) = location.and_then(|to| response.url().join(to).ok()) else {
        return NotRead::Failed(format!("{} without a usable Location", response.status()));
    };
    if target.origin() == response.url().origin() {
        NotRead::Failed(format!(
            "more than {MAX_REDIRECTS} redirects: stopped before {target}"
        ))
    } else {
        NotRead::Skipped(format!("redirected off-site to {target}: not followed"))
    }
}
