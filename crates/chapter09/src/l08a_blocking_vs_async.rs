//! Listing 9.8a — The blocking server (9.5) and the async one (9.2) under
//! the same load: requests per second and p50/p99 latency, measured.
//!
//! Not in the book, which argues the point in prose. Every request runs
//! the brands query and then waits 50 ms (`--wait-ms`), standing in for a
//! slow service behind the app. `--connections` (100) clients each send
//! one request after another for `--seconds` (3), first to the blocking
//! server's `--threads` (8) threads, then to axum on a single runtime
//! thread, with the chapter's `load` tool. A blocked thread holds one
//! request; a waiting task holds almost nothing, so one thread holds them
//! all. The count of requests each server held at once is the claim; the
//! rates depend on the machine (the load, both servers and PostgreSQL
//! share its cores).
//!
//! Run: cargo run --release -p chapter09 -- 9.8a

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use shared_util::Ctx;
use shared_util::net::{bind_loopback, bind_loopback_async};

use crate::db;
use crate::l02_brands::{self, AppState};
use crate::l05_blocking_brands;
use crate::load::{Report, load, ms};
use crate::serving::Gauge;

async fn count_in_flight(
    State(gauge): State<Arc<Gauge>>,
    request: Request,
    next: Next,
) -> Response {
    let _running = gauge.enter();
    next.run(request).await
}

/// Serves 9.2's app on a current-thread runtime (this thread) until
/// `stop`, sending its address on `ready`; returns the most requests it
/// held at once.
fn serve_async(
    ctx: &Ctx,
    wait: Duration,
    ready: std::sync::mpsc::Sender<SocketAddr>,
    stop: tokio::sync::oneshot::Receiver<()>,
) -> anyhow::Result<usize> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let pool = db::pool(ctx).await?;
        let gauge = Arc::new(Gauge::default());
        let app = l02_brands::app(AppState {
            pool: pool.clone(),
            wait,
        })
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&gauge),
            count_in_flight,
        ));
        let listener = bind_loopback_async(0).await?;
        ready.send(listener.local_addr()?)?;
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stop.await;
            })
            .await?;
        db::close(&pool);
        Ok(gauge.peak())
    })
}

fn row(server: &str, threads: usize, at_once: usize, report: &Report) {
    println!(
        "{server:<38} {threads:>7} {at_once:>7} {:>8} {:>7.0} {:>7.1} {:>7.1} {:>6}",
        report.ok,
        report.per_second(),
        ms(report.percentile(0.50)),
        ms(report.percentile(0.99)),
        report.error_count()
    );
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let options = ctx.options::<crate::Options>();
    if !(options.seconds > 0.0 && options.seconds <= 3600.0) {
        return Err(shared_util::ctx::usage(
            "--seconds must be more than 0 and at most 3600",
        ));
    }
    let wait = Duration::from_millis(options.wait_ms.unwrap_or(50));
    let (connections, threads) = (options.connections, options.threads);
    let duration = Duration::from_secs_f64(options.seconds * ctx.scale());
    let blocking = l05_blocking_brands::start(ctx, bind_loopback(0)?, wait, false)?;
    let loader = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let url = |address: SocketAddr| format!("http://{address}/brands").parse();

    std::thread::scope(|scope| {
        let (ready, address) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let server = scope.spawn(move || serve_async(ctx, wait, ready, stopped));
        let Ok(async_address) = address.recv_timeout(Duration::from_secs(60)) else {
            return match server.join() {
                Ok(Err(e)) => Err(e),
                _ => Err(anyhow::anyhow!(
                    "the async server did not start within 60 s"
                )),
            };
        };
        println!(
            "GET /brands: the query, then a {} ms wait; {connections} connection(s), {:.1} s against each server",
            wait.as_millis(),
            duration.as_secs_f64()
        );
        let blocking_report =
            loader.block_on(load(&url(blocking.address())?, connections, duration));
        let async_report = loader.block_on(load(&url(async_address)?, connections, duration));
        let _ = stop.send(());
        let async_peak = server
            .join()
            .map_err(|_| anyhow::anyhow!("the async server panicked"))??;
        let blocking_peak = blocking.peak_in_flight();
        blocking.stop();

        println!(
            "{:<38} {:>7} {:>7} {:>8} {:>7} {:>7} {:>7} {:>6}",
            "server", "threads", "at once", "requests", "req/s", "p50 ms", "p99 ms", "errors"
        );
        row(
            "blocking, a thread per request (9.5)",
            threads,
            blocking_peak,
            &blocking_report,
        );
        row(
            "async, axum on one thread (9.2)",
            1,
            async_peak,
            &async_report,
        );
        println!(
            "requests held at once per thread: blocking {:.1}, async {}",
            blocking_peak as f64 / threads as f64,
            async_peak
        );
        if blocking_report.per_second() > 0.0 {
            println!(
                "the async server answered {:.1}x the requests per second",
                async_report.per_second() / blocking_report.per_second()
            );
        }
        Ok(())
    })
}
