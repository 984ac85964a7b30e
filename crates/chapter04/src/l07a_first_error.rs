//! Listing 4.7a — An invalid URL among good ones: the first error surfaces.
//!
//! `try_join_all` is gather with `return_exceptions=False`: the first error
//! becomes its result. The difference is what happens to the rest. asyncio's
//! gather lets the other tasks run on; `try_join_all` returns by dropping
//! every other future, and in Rust dropping a future cancels it: a request
//! in progress is abandoned, one not yet polled never starts. We record each
//! request's fate, then wait as long as the good requests would have taken
//! to show that none of them completed.
//!
//! Run: cargo run -p chapter04 -- 4.7a

use std::cell::Cell;
use std::time::Duration;

use futures::future::try_join_all;
use shared_util::{Ctx, async_timed};

use crate::session::{Session, fetch_status};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fate {
    NeverStarted,
    Running,
    Completed,
    Failed,
}

#[async_timed]
async fn main(session: Session, urls: Vec<String>) -> Vec<Fate> {
    let fates: Vec<Cell<Fate>> = urls.iter().map(|_| Cell::new(Fate::NeverStarted)).collect();
    let requests = urls.iter().zip(&fates).map(|(url, fate)| {
        let (session, url) = (session.clone(), url.clone());
        async move {
            fate.set(Fate::Running);
            let result = fetch_status(session, url).await;
            fate.set(if result.is_ok() {
                Fate::Completed
            } else {
                Fate::Failed
            });
            result
        }
    });
    match try_join_all(requests).await {
        Ok(status_codes) => println!("{status_codes:?}"),
        Err(error) => println!("try_join_all failed: {error:#}"),
    }
    fates.iter().map(Cell::get).collect()
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let slow = ctx.scaled(1.0);
    let good = ctx.url_for(&format!("/delay/{}", slow.as_millis()))?;
    let urls = vec![good.clone(), "python://example.com".to_owned(), good];
    let fates = main(Session::new()?, urls.clone()).await;

    for (url, fate) in urls.iter().zip(&fates) {
        let what = match fate {
            Fate::NeverStarted => "never started: dropped before its first poll",
            Fate::Running => "cancelled: dropped while waiting for the server",
            Fate::Completed => "completed",
            Fate::Failed => "failed",
        };
        println!("{url}: {what}");
    }
    // Give the good requests the time they needed, then ask the server:
    // nothing was left running to send them.
    tokio::time::sleep(slow + Duration::from_millis(200)).await;
    if let Some(server) = ctx.local_server() {
        let stats = server.stats();
        println!(
            "the demo server received {} request(s), {} still in flight",
            stats.requests, stats.in_flight
        );
    }
    Ok(())
}
