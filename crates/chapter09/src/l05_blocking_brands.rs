//! Listing 9.5 — The brands endpoint on a blocking, thread-per-request
//! server: the WSGI model (the book's Flask app with psycopg2).
//!
//! `--threads` threads each take one request, run the query on their own
//! blocking connection (the `postgres` crate), and answer before taking the
//! next; other requests wait in line. The book's Flask app shares one
//! module-level psycopg2 connection among the server's threads; a Rust
//! `postgres::Client` needs `&mut` to run a query, so sharing one would take
//! a `Mutex` (one query at a time): each thread gets its own instead.
//! `--wait-ms` adds a blocking `thread::sleep` after the query (9.8a).
//!
//! Run: cargo run -p chapter09 -- 9.5 --demo   (or without --demo, then curl)

use std::time::Duration;

use axum::http::{Request, Response};
use shared_util::Ctx;
use shared_util::net::bind_loopback;

use crate::blocking::{BlockingServer, json, wait_for_stop};
use crate::db::{self, BRAND_QUERY, Brand};
use crate::serving::{announce, port};

/// What each thread owns: its connection, and the simulated wait.
pub struct Worker {
    /// The thread's own blocking connection.
    pub db: postgres::Client,
    /// The brands query, prepared once on that connection.
    pub query: postgres::Statement,
    /// `--wait-ms`, slept (blocking the thread) after the query.
    pub wait: Duration,
}

/// The app: a plain function the server calls on one of its threads.
pub fn brands(worker: &mut Worker, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
    if request.uri().path() != "/brands" {
        let message = format!("no route for {} {}", request.method(), request.uri().path());
        return json(404, &serde_json::json!({ "error": message }));
    }
    let rows = match worker.db.query(&worker.query, &[]) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("database error: {e}");
            return json(
                500,
                &serde_json::json!({ "error": "the database could not answer" }),
            );
        }
    };
    if !worker.wait.is_zero() {
        std::thread::sleep(worker.wait);
    }
    let brands: Vec<Brand> = rows
        .iter()
        .map(|row| Brand {
            brand_id: row.get("brand_id"),
            brand_name: row.get("brand_name"),
        })
        .collect();
    json(200, &brands)
}

/// Opens one connection per thread (`--threads`) and starts the server on
/// `listener`, each request waiting `wait` after its query.
pub fn start(
    ctx: &Ctx,
    listener: std::net::TcpListener,
    wait: Duration,
    log: bool,
) -> anyhow::Result<BlockingServer> {
    let url = db::prepare_blocking(ctx)?;
    let workers = (0..ctx.options::<crate::Options>().threads)
        .map(|_| {
            let mut db = db::blocking_client(&url)?;
            let query = db.prepare(BRAND_QUERY)?;
            Ok(Worker { db, query, wait })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    BlockingServer::start(listener, workers, brands, log)
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    // Ours before anything could signal us; the guard gives Ctrl-C back after.
    let _handling = shared_util::signals::handle();
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
    ])?;
    let listener = bind_loopback(port(ctx))?;
    let options = ctx.options::<crate::Options>();
    let threads = options.threads;
    println!("Opening {threads} database connection(s), one per thread.");
    let wait = Duration::from_millis(options.wait_ms.unwrap_or(0));
    let server = start(ctx, listener, wait, !options.quiet)?;
    let address = server.address();
    announce(ctx, address, &["/brands"]);
    let demo = ctx
        .flags
        .demo
        .then(|| std::thread::spawn(move || demo(address)));
    wait_for_stop(&mut signals);
    let ended = server.stop();
    println!("server stopped: {ended} thread(s) ended, their connections closed");
    match demo.map(std::thread::JoinHandle::join) {
        Some(Ok(outcome)) => outcome,
        Some(Err(_)) => anyhow::bail!("the demo client panicked"),
        None => Ok(()),
    }
}

/// The scripted client: blocking requests (ureq), then SIGINT.
fn demo(address: std::net::SocketAddr) -> anyhow::Result<()> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let outcome = (|| {
        for path in ["/brands", "/nothing"] {
            let mut response = agent.get(&format!("http://{address}{path}")).call()?;
            let body = response.body_mut().read_to_string()?;
            let mut cut: String = body.chars().take(120).collect();
            if cut.len() < body.len() {
                cut.push_str(&format!("... ({} bytes)", body.len()));
            }
            println!("client: GET {path} -> {} {cut}", response.status());
        }
        anyhow::Ok(())
    })();
    println!("(demo: sending ourselves SIGINT, as Ctrl-C would)");
    shared_util::signals::raise_own(nix::sys::signal::Signal::SIGINT)?;
    outcome
}
