//! Listing 4.7b — Every result and every error, instead of the first error.
//!
//! gather's `return_exceptions=True` is `join_all` over futures that return
//! `Result`: nothing is thrown, each slot holds a status or an error, in the
//! order the requests were passed. Where Python filters with `isinstance`,
//! Rust splits the `Result`s with `partition`.
//!
//! Run: cargo run -p chapter04 -- 4.7b

use futures::future::join_all;
use shared_util::{Ctx, async_timed};

use crate::session::{Session, fetch_status, none_reached};

#[async_timed]
async fn main(session: Session, urls: Vec<String>) -> anyhow::Result<()> {
    let requests = urls
        .iter()
        .map(|url| fetch_status(session.clone(), url.clone()));
    let results = join_all(requests).await;

    // Errors as their one-line message (with causes), not a debug dump.
    let results: Vec<Result<u16, String>> = results
        .into_iter()
        .map(|result| result.map_err(|e| format!("{e:#}")))
        .collect();
    println!("All results: {results:?}");
    // The good URL failing too is not this lesson: say so, and fail.
    let reached = none_reached(&results, &urls[0]);
    let (successful, failed): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    let successful: Vec<u16> = successful.into_iter().flatten().collect();
    let exceptions: Vec<String> = failed.into_iter().filter_map(Result::err).collect();
    println!("Finished successfully: {successful:?}");
    println!("Threw exceptions: {exceptions:?}");
    reached
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let good = ctx.url()?;
    let urls = vec![good.clone(), "python://example.com".to_owned(), good];
    main(Session::new()?, urls).await
}
