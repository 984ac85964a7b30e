//! Serving the order app of listings 12.3 and 12.7: the listening socket,
//! Ctrl-C, the scripted client of `--demo`, and the order book-keeping.
//!
//! The listings keep what the book shows (the workers, the handler, the
//! queue and how it is drained at shutdown); this module keeps what aiohttp's
//! `web.run_app` did for them: listen on 127.0.0.1:8080 (`--port`), serve
//! until SIGINT, then stop accepting and let the requests in flight finish.
//!
//! A shutdown never loses an order silently. The moment SIGINT arrives the
//! shop closes: a request still waiting for room in the queue, and any
//! that comes later, is answered 503 and never accepted. Only then does
//! the queue drain, for at most the book's 10 s; an
//! order still unfinished after that is reported lost by its number, so
//! `accepted = processed + lost` always adds up, order by order.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::StreamExt as _;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use shared_util::Ctx;
use shared_util::net::{announce, bind_loopback_async};
use shared_util::timing::{Stopwatch, secs};

/// How long the connections still open at shutdown get to close (their
/// requests are answered at once: the shop is closed); past it they are
/// cut.
pub const SHUTDOWN_BOUND: Duration = Duration::from_secs(10);

/// The book's `wait_for(queue.join(), timeout=10)`: how long the queue
/// gets to drain. Not scaled: `--scale` shortens the orders, so a drain
/// that takes the book's orders takes the scaled ones too.
const DRAIN: Duration = Duration::from_secs(10);

/// How many orders the demo client has in flight at once.
const DEMO_CLIENTS: usize = 64;

/// What the handler and the workers count, and what they share besides
/// the queue.
#[derive(Debug)]
pub struct Orders {
    /// Orders that made it into the queue (their client got "placed!").
    accepted: AtomicU64,
    /// Orders answered 503 because the queue was full (`--reject-when-full`).
    refused: AtomicU64,
    /// Orders answered 503 because the shop was closing.
    turned_away: AtomicU64,
    /// Orders a worker finished.
    processed: AtomicU64,
    /// The numbers of the orders accepted and not yet processed: what a
    /// shutdown that runs out of time reports lost.
    unfinished: Mutex<BTreeSet<u64>>,
    /// True once the shop is closing: no order is accepted after that.
    closing: tokio::sync::watch::Sender<bool>,
    /// How long the queue gets to drain at shutdown.
    pub drain_bound: Duration,
    /// `--reject-when-full`: answer 503 rather than wait for room.
    pub reject_when_full: bool,
    /// One second of the book's order times, times `--scale`.
    pub second: Duration,
    /// The next order's number, to tell orders apart in the output.
    next_id: AtomicU64,
    /// The book's `randrange(5)`, seeded (`--seed`).
    rng: Mutex<StdRng>,
    /// When the demo client began: `compare broker` rates the run by the
    /// orders processed from then to the report.
    demo_started: std::sync::OnceLock<std::time::Instant>,
}

impl Orders {
    /// Book-keeping for one run, from the command line.
    pub fn new(ctx: &Ctx) -> Self {
        let options = ctx.options::<crate::Options>();
        Self {
            accepted: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            turned_away: AtomicU64::new(0),
            processed: AtomicU64::new(0),
            unfinished: Mutex::new(BTreeSet::new()),
            closing: tokio::sync::watch::Sender::new(false),
            drain_bound: DRAIN,
            reject_when_full: options.reject_when_full,
            second: ctx.scaled(1.0),
            next_id: AtomicU64::new(1),
            rng: Mutex::new(StdRng::seed_from_u64(options.seed)),
            demo_started: std::sync::OnceLock::new(),
        }
    }

    /// A new order's number and its work in seconds (0 to 4).
    pub fn next_order(&self) -> (u64, u32) {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let seconds = self
            .rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .random_range(0..5);
        (id, seconds)
    }

    /// The time an order of `seconds` takes, scaled.
    pub fn work(&self, seconds: u32) -> Duration {
        self.second * seconds
    }

    /// Counts order `id`, which made it into the queue.
    pub fn note_accepted(&self, id: u64) {
        self.unfinished_ids().insert(id);
        self.accepted.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts an order turned away because the queue was full.
    pub fn note_refused(&self) {
        self.refused.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts order `id`, which a worker finished.
    pub fn note_processed(&self, id: u64) {
        self.unfinished_ids().remove(&id);
        self.processed.fetch_add(1, Ordering::SeqCst);
    }

    fn unfinished_ids(&self) -> std::sync::MutexGuard<'_, BTreeSet<u64>> {
        self.unfinished
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Closes the shop: from now on no order is accepted.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Whether the shop is closing.
    pub fn is_closing(&self) -> bool {
        *self.closing.borrow()
    }

    /// Completes when the shop closes.
    pub async fn closed(&self) {
        let mut closing = self.closing.subscribe();
        let _ = closing.wait_for(|closing| *closing).await;
    }

    /// The answer to an order that comes while the shop is closing (503),
    /// counted.
    pub fn turn_away(&self) -> axum::response::Response {
        use axum::response::IntoResponse as _;
        self.turned_away.fetch_add(1, Ordering::SeqCst);
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "The shop is closing: no new orders\n",
        )
            .into_response()
    }

    /// How many orders were accepted so far.
    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::SeqCst)
    }

    /// The closing line: every accepted order processed, or which were
    /// lost, by number; accepted = processed + lost, always.
    pub fn report(&self) {
        let accepted = self.accepted();
        let processed = self.processed.load(Ordering::SeqCst);
        let refused = self.refused.load(Ordering::SeqCst);
        let turned_away = self.turned_away.load(Ordering::SeqCst);
        let lost: Vec<String> = self
            .unfinished_ids()
            .iter()
            .map(|id| format!("#{id}"))
            .collect();
        let which = if lost.is_empty() {
            String::new()
        } else {
            format!(" ({})", lost.join(" "))
        };
        println!(
            "{accepted} order(s) accepted, {processed} processed, {} lost at shutdown{which}, {refused} refused (queue full), {turned_away} turned away (closing)",
            lost.len()
        );
        if let Some(started) = self.demo_started.get() {
            runner::compare::report_work(processed, "orders", started.elapsed(), None);
        }
    }
}

/// Serves `app` on 127.0.0.1 (`--port`, 8080; a free port with `--demo`)
/// until SIGINT (or SIGTERM), then stops taking new connections and gives the requests
/// in flight [`SHUTDOWN_BOUND`] to finish. With `--demo`, `demo_body(i)`
/// is the body of the scripted client's order `i`, and the client ends the
/// run by sending SIGINT itself.
pub async fn serve_until_ctrl_c(
    ctx: &Ctx,
    app: axum::Router,
    orders: &Orders,
    demo_body: fn(usize) -> String,
) -> anyhow::Result<()> {
    // Installed first, so that a SIGINT from now on is ours to handle; the
    // guard gives Ctrl-C back its default action when the listing ends
    // (inside `all`, the next listing must still stop on Ctrl-C).
    let mut stop_signal = shared_util::signals::Stop::install()?;
    let port = match (ctx.flags.port, ctx.flags.demo) {
        (Some(port), _) => port,
        (None, true) => 0,
        (None, false) => 8080,
    };
    let listener = bind_loopback_async(port).await?;
    let address = listener.local_addr()?;
    announce(
        address,
        ctx.flags.demo,
        &format!(
            "type `POST /order HTTP/1.0` and an empty line, or: curl -X POST http://{address}/order"
        ),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });

    if ctx.flags.demo {
        let _ = orders.demo_started.set(std::time::Instant::now());
        place_orders(address, ctx.requests_or(20), demo_body).await?;
        println!("(demo: sending ourselves SIGINT, as Ctrl-C would)");
        shared_util::signals::raise_own(nix::sys::signal::Signal::SIGINT)?;
    }
    let name = stop_signal.wait().await;
    // Closed first: a request waiting for room is answered 503 now, so
    // nothing is accepted from here on, whatever the server still does.
    orders.close();
    println!(
        "Got a {name}: no longer taking orders ({} accepted so far)",
        orders.accepted()
    );
    let _ = stop.send(());
    match tokio::time::timeout(SHUTDOWN_BOUND, &mut server).await {
        Ok(served) => served??,
        Err(_) => {
            server.abort();
            println!(
                "connections still open after {} s were closed",
                SHUTDOWN_BOUND.as_secs()
            );
        }
    }
    Ok(())
}

/// The scripted client: `count` orders, [`DEMO_CLIENTS`] at a time.
/// Returns the numbers of the orders it was told were placed.
pub(crate) async fn place_orders(
    address: SocketAddr,
    count: usize,
    body: fn(usize) -> String,
) -> anyhow::Result<Vec<u64>> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let url = format!("http://{address}/order");
    let clock = Stopwatch::start();
    let answers: Vec<Result<(u16, String), reqwest::Error>> = futures::stream::iter(0..count)
        .map(|i| {
            let request = client.post(&url).body(body(i));
            async move {
                let response = request.send().await?;
                let status = response.status().as_u16();
                Ok((status, response.text().await?))
            }
        })
        .buffer_unordered(DEMO_CLIENTS)
        .collect()
        .await;
    let elapsed = clock.elapsed();
    let placed: Vec<u64> = answers
        .iter()
        .filter_map(|answer| match answer {
            Ok((200, text)) => placed_number(text),
            _ => None,
        })
        .collect();
    let refused = answers.iter().filter(|a| matches!(a, Ok((503, _)))).count();
    let failed = count - placed.len() - refused;
    println!(
        "client: {} order(s) placed, {refused} refused, {failed} failed in {} second(s) ({:.0} orders/s)",
        placed.len(),
        secs(elapsed),
        placed.len() as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    Ok(placed)
}

/// The number in `Order #12 placed!`.
pub(crate) fn placed_number(text: &str) -> Option<u64> {
    let rest = &text[text.find('#')? + 1..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}
