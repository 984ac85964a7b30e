//! The book's `ClientSession` and `fetch_status`, shared by the listings
//! from 4.7a on, and [`none_reached`], the check that ends a listing whose
//! every request failed with an error instead of a quiet success.
//!
//! A [`Session`] is one `reqwest::Client`: a connection pool that every
//! request of a run goes through, so connections are reused instead of
//! opened per request. Cloning it is cheap (an `Arc` inside) and clones
//! share the pool, which is how spawned tasks get their own handle.

use std::time::Duration;

use shared_util::async_timed;

/// One HTTP client (connection pool) for the whole run.
#[derive(Clone)]
pub struct Session {
    client: reqwest::Client,
}

impl Session {
    /// A client with a bound on every request, so that nothing waits
    /// forever: 30 s in all (the demo server's slowest page in the book is
    /// 10 s), 5 s to connect.
    pub fn new() -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        Ok(Self { client })
    }
}

/// `#[async_timed]` prints its arguments with `Debug`; a whole client's
/// `Debug` would fill the screen, so a session prints as its name.
impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("session")
    }
}

/// GETs `url` and returns the status code. A URL reqwest cannot use (a
/// `python://` one) fails on the first poll, before any I/O.
#[async_timed]
pub async fn fetch_status(session: Session, url: String) -> anyhow::Result<u16> {
    let response = session.client.get(&url).send().await?;
    Ok(response.status().as_u16())
}

/// An error when every one of `results` failed: the listing's requests were
/// meant to reach `url`, and none did (a wrong `--url`, a server that is
/// down), so the run must not end as if it had worked. `Ok` if any answered.
pub fn none_reached<T, E>(results: &[Result<T, E>], url: &str) -> anyhow::Result<()> {
    if !results.is_empty() && results.iter().all(Result::is_err) {
        let n = results.len();
        anyhow::bail!("all {n} request(s) failed: nothing reached {url}");
    }
    Ok(())
}
