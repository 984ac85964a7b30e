//! Listing 10.12a — The same protections from tower: the inventory call wrapped in timeout, retry and load-shed layers.
//!
//! Production Rust rarely hand-writes 10.9 and 10.11: tower composes them
//! as layers around any `Service` (a function from request to future of
//! response). Here the backend-for-frontend's inventory call becomes a
//! service stacked as load shedding over a concurrency limit of 5, over
//! retries (3 tries, 0.1 s apart), over a 1 s timeout per try. Against the
//! real inventory service the run shows: a healthy call; a failing service
//! tried three times; a slow one cut at 1 s three times (the service counts
//! the dropped tries as cancelled); and 20 calls at once through the limit
//! and load shedding alone, of which 5 go through and 15 are shed at once
//! with "service overloaded". tower has no
//! circuit breaker; load shedding is its closest cousin (fail fast when busy
//! rather than when broken).
//!
//! Run: cargo run -p chapter10 -- 10.12a

use std::time::Duration;

use futures::future::join_all;
use serde_json::Value;
use shared_util::Ctx;
use shared_util::timing::Stopwatch;
use tower::retry::Policy;
use tower::{BoxError, ServiceBuilder, ServiceExt as _};

use crate::l01_inventory;
use crate::services::{self, Fault, Kind, Service};

/// Retry up to `tries` times in all, `interval` apart, printing each failure.
#[derive(Debug, Clone)]
struct Attempts {
    tries: u32,
    interval: Duration,
}

impl<Req: Clone, Res> Policy<Req, Res, BoxError> for Attempts {
    type Future = tokio::time::Sleep;

    fn retry(
        &mut self,
        _req: &mut Req,
        result: &mut Result<Res, BoxError>,
    ) -> Option<Self::Future> {
        let error = result.as_ref().err()?;
        self.tries -= 1;
        if self.tries == 0 {
            println!("  try failed ({error}), giving up");
            return None;
        }
        println!("  try failed ({error}), retrying");
        Some(tokio::time::sleep(self.interval))
    }

    fn clone_request(&mut self, req: &Req) -> Option<Req> {
        Some(req.clone())
    }
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let inventory = Service::start(
        Kind::Inventory,
        0,
        Fault::None,
        l01_inventory::app(ctx).await?,
    )
    .await?;
    println!("inventory service on {}", inventory.address());
    let client = services::client()?;
    let fetch = tower::service_fn(move |url: String| {
        let client = client.clone();
        async move {
            let response = client.get(url).send().await?.error_for_status()?;
            Ok::<Value, BoxError>(response.json().await?)
        }
    });
    // Outermost first: a request meets load shedding, then the limit, then
    // the retries, each try bounded by the timeout.
    let stack = ServiceBuilder::new()
        .load_shed()
        .concurrency_limit(5)
        .retry(Attempts {
            tries: 3,
            interval: Duration::from_millis(100),
        })
        .timeout(Duration::from_secs(1))
        .service(fetch.clone());
    let url = format!("{}/products/1/inventory", inventory.url());

    for fault in [Fault::None, Fault::Fail, Fault::Slow] {
        inventory.set_fault(fault);
        println!("inventory {}:", fault.name());
        let before = inventory.calls();
        let clock = Stopwatch::start();
        let answer = stack.clone().oneshot(url.clone()).await;
        let now = inventory.settled(Duration::from_secs(2)).await;
        println!(
            "  -> {} after {:.1} s; the service saw {}",
            match answer {
                Ok(body) => format!("answer {body}"),
                Err(e) => format!("error: {e}"),
            },
            clock.elapsed().as_secs_f64(),
            now.since(before)
        );
    }

    inventory.set_fault(Fault::None);
    println!("20 calls at once through a limit of 5 with load shedding:");
    // The same two outer layers without the retries, and a timeout past
    // the service's longest delay, so every admitted call answers.
    let shedding = ServiceBuilder::new()
        .load_shed()
        .concurrency_limit(5)
        .timeout(Duration::from_secs(3))
        .service(fetch);
    let before = inventory.calls();
    let answers = join_all((0..20).map(|_| shedding.clone().oneshot(url.clone()))).await;
    let shed = answers
        .iter()
        .filter(|a| {
            a.as_ref()
                .is_err_and(|e| e.is::<tower::load_shed::error::Overloaded>())
        })
        .count();
    let answered = answers.iter().filter(|a| a.is_ok()).count();
    let now = inventory.settled(Duration::from_secs(2)).await;
    println!(
        "  {answered} answered, {shed} shed (service overloaded), {} other error(s); the service saw {}",
        answers.len() - answered - shed,
        now.since(before)
    );
    inventory.stop().await;
    Ok(())
}
