//! Listing 4.12 — First exception: stop waiting and cancel the rest.
//!
//! `FIRST_EXCEPTION` as a loop: join tasks as they finish and stop at the
//! first error. The bad URL fails at once while two 3-second requests are
//! still running; `abort_all` cancels them, and joining the set afterwards
//! confirms each was cancelled. (Dropping the `JoinSet` would abort them
//! too, without the confirmation.)
//!
//! Run: cargo run -p chapter04 -- 4.12

use shared_util::{Ctx, async_timed};
use tokio::task::JoinSet;

use crate::session::{Session, fetch_status};

#[async_timed]
async fn main(session: Session, slow: String) -> anyhow::Result<()> {
    let mut fetchers = JoinSet::new();
    fetchers.spawn(fetch_status(session.clone(), "python://bad.com".to_owned()));
    fetchers.spawn(fetch_status(session.clone(), slow.clone()));
    fetchers.spawn(fetch_status(session, slow));

    let mut done = Vec::new();
    while let Some(finished) = fetchers.join_next().await {
        let failed = !matches!(finished, Ok(Ok(_)));
        done.push(finished);
        if failed {
            break;
        }
    }
    println!("Done task count: {}", done.len());
    println!("Pending task count: {}", fetchers.len());

    for done_task in done {
        match done_task? {
            Ok(status) => println!("{status}"),
            Err(error) => println!("ERROR: Request got an exception: {error:#}"),
        }
    }

    fetchers.abort_all();
    let mut cancelled = 0;
    while let Some(finished) = fetchers.join_next().await {
        if matches!(finished, Err(e) if e.is_cancelled()) {
            cancelled += 1;
        }
    }
    println!("Cancelled {cancelled} pending task(s)");
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let slow = ctx.scaled(3.0).as_millis();
    main(Session::new()?, ctx.url_for(&format!("/delay/{slow}"))?).await
}
