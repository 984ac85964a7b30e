//! Running the four services: what `web.run_app` did for each of the
//! book's listings, plus the fault switch of listing 10.8a and the counters
//! that show cancelled calls really stop.
//!
//! A [`Service`] is one of the listings' routers served on its own loopback
//! port (the book's 8000–8003 when run alone, any free port when a listing
//! starts all four in-process). Around every request it keeps:
//! - a fault switch ([`Fault`]): answer normally, slowly, with a 500, or
//!   not at all (the port stops listening), set with `--fault` at start or
//!   `PUT /admin/fault/{mode}` at run time;
//! - counters ([`Calls`]): requests started, answered, and *cancelled* —
//!   dropped by the server before they answered because their client hung
//!   up. `GET /admin/calls` shows them. A call the backend-for-frontend gives
//!   up on is counted there, which is how the listings show that it stopped
//!   rather than ran on unseen.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use serde::Serialize;
use shared_util::Ctx;
use shared_util::net::bind_loopback_async;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use deadpool_postgres::Pool;

/// How long a slow service takes before it answers: well past the
/// backend-for-frontend's 1 s deadline.
pub const SLOW: Duration = Duration::from_secs(5);

/// The longest a stopping service waits for the requests in flight.
const STOP_BOUND: Duration = Duration::from_secs(5);

/// What a service's fault switch makes it do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fault {
    /// Answer normally.
    None,
    /// Wait [`SLOW`] before answering.
    Slow,
    /// Answer 500 at once.
    Fail,
    /// Stop listening: connections are refused.
    Down,
}

impl Fault {
    /// The word used on the command line and in the admin route.
    pub fn name(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::Slow => "slow",
            Fault::Fail => "fail",
            Fault::Down => "down",
        }
    }

    fn parse(word: &str) -> Option<Self> {
        [Fault::None, Fault::Slow, Fault::Fail, Fault::Down]
            .into_iter()
            .find(|f| f.name() == word)
    }
}

/// The four services of the chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Listing 10.7: the product list.
    Products,
    /// Listing 10.1: stock per product, after a random delay.
    Inventory,
    /// Listing 10.5: a user's favourite products.
    Favorites,
    /// Listing 10.6: a user's cart.
    Cart,
}

impl Kind {
    /// All four, in the order the book numbers their ports.
    pub const ALL: [Kind; 4] = [Kind::Products, Kind::Inventory, Kind::Favorites, Kind::Cart];

    /// `products`, `inventory`, `favorites`, `cart`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Products => "products",
            Kind::Inventory => "inventory",
            Kind::Favorites => "favorites",
            Kind::Cart => "cart",
        }
    }

    /// The book's port for the service run alone.
    pub fn book_port(self) -> u16 {
        match self {
            Kind::Products => 8000,
            Kind::Inventory => 8001,
            Kind::Favorites => 8002,
            Kind::Cart => 8003,
        }
    }

    /// Requests that show what the service does, for `--demo` and the
    /// "try it" line.
    pub fn sample_paths(self) -> &'static [&'static str] {
        match self {
            Kind::Products => &["/products"],
            Kind::Inventory => &[
                "/products/1/inventory",
                "/products/2/inventory",
                "/products/3/inventory",
            ],
            Kind::Favorites => &[
                "/users/1/favorites",
                "/users/3/favorites",
                "/users/x/favorites",
            ],
            Kind::Cart => &["/users/1/cart", "/users/3/cart", "/users/x/cart"],
        }
    }
}

/// The counters of one service's requests (admin routes excepted).
#[derive(Debug, Default)]
pub struct Calls {
    started: AtomicU64,
    answered: AtomicU64,
    cancelled: AtomicU64,
    /// Woken whenever a call ends, for [`Service::settled`].
    ended: Notify,
}

/// A copy of [`Calls`] at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct CallCounts {
    /// Requests that reached a handler.
    pub started: u64,
    /// Of those, answered (whatever the status).
    pub answered: u64,
    /// Of those, dropped before answering: the client hung up.
    pub cancelled: u64,
    /// Still running now.
    pub in_flight: u64,
}

impl CallCounts {
    /// What happened between `earlier` and `self`.
    pub fn since(self, earlier: CallCounts) -> CallCounts {
        CallCounts {
            started: self.started - earlier.started,
            answered: self.answered - earlier.answered,
            cancelled: self.cancelled - earlier.cancelled,
            in_flight: self.in_flight,
        }
    }
}

impl std::fmt::Display for CallCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} call(s), {} answered, {} cancelled, {} still running",
            self.started, self.answered, self.cancelled, self.in_flight
        )
    }
}

impl Calls {
    /// The counts now.
    pub fn counts(&self) -> CallCounts {
        // `cancelled` and `answered` are read before `started`, so a call
        // ending meanwhile never makes `in_flight` negative.
        let answered = self.answered.load(Ordering::SeqCst);
        let cancelled = self.cancelled.load(Ordering::SeqCst);
        let started = self.started.load(Ordering::SeqCst);
        CallCounts {
            started,
            answered,
            cancelled,
            in_flight: started.saturating_sub(answered + cancelled),
        }
    }
}

/// One request in a handler: counted as cancelled if dropped unanswered.
struct Call<'a> {
    calls: &'a Calls,
    answered: bool,
}

impl<'a> Call<'a> {
    fn enter(calls: &'a Calls) -> Self {
        calls.started.fetch_add(1, Ordering::SeqCst);
        Self {
            calls,
            answered: false,
        }
    }
}

impl Drop for Call<'_> {
    fn drop(&mut self) {
        let counter = if self.answered {
            &self.calls.answered
        } else {
            // Dropped mid-way: hyper dropped the handler's future because
            // the client closed the connection.
            &self.calls.cancelled
        };
        counter.fetch_add(1, Ordering::SeqCst);
        self.calls.ended.notify_waiters();
    }
}

/// What the switch and the counters share with the request path.
#[derive(Debug)]
struct Control {
    kind: Kind,
    fault: watch::Sender<Fault>,
    calls: Calls,
}

/// Counts the request, then applies the fault switch before the handler.
async fn fault_and_count(
    State(control): State<Arc<Control>>,
    request: Request,
    next: Next,
) -> Response {
    let mut call = Call::enter(&control.calls);
    let fault = *control.fault.borrow();
    let response = match fault {
        Fault::Fail => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(serde_json::json!({
                "error": format!("{} service failing (fault switch)", control.kind.name())
            })),
        )
            .into_response(),
        Fault::Slow => {
            tokio::time::sleep(SLOW).await;
            next.run(request).await
        }
        Fault::None | Fault::Down => next.run(request).await,
    };
    call.answered = true;
    response
}

/// `PUT /admin/fault/{mode}`: flips the switch. `down` answers first,
/// then the port stops listening.
async fn set_fault(State(control): State<Arc<Control>>, Path(mode): Path<String>) -> Response {
    match Fault::parse(&mode) {
        Some(fault) => {
            control.fault.send_replace(fault);
            Json(serde_json::json!({ "service": control.kind.name(), "fault": fault }))
                .into_response()
        }
        None => (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({ "error": "fault is one of none, slow, fail, down" })),
        )
            .into_response(),
    }
}

/// `GET /admin/calls`: the counters.
async fn show_calls(State(control): State<Arc<Control>>) -> Json<CallCounts> {
    Json(control.calls.counts())
}

/// What a service serves: its listing's router and, for a service with a
/// database, the pool under it (closed when the service stops). The
/// listings make them (10.1, 10.5–10.7, over 10.4's pools); this module
/// only runs them.
#[derive(Debug)]
pub struct App {
    /// The listing's routes.
    pub router: Router,
    /// Its database pool, if it has one.
    pub pool: Option<Pool>,
}

/// Where the four services are, for the backend-for-frontend.
#[derive(Debug, Clone)]
pub struct Backends {
    pub products: String,
    pub inventory: String,
    pub favorites: String,
    pub cart: String,
}

/// One service, serving in this process.
#[derive(Debug)]
pub struct Service {
    kind: Kind,
    address: SocketAddr,
    control: Arc<Control>,
    supervisor: JoinHandle<()>,
    /// Tells the supervisor to stop for good.
    stop: watch::Sender<bool>,
    pool: Option<Pool>,
}

impl Service {
    /// Starts service `kind`, serving `app`, on 127.0.0.1:`port` (0: any
    /// free port) with `fault` set. A service started `down` keeps its
    /// port number for later but does not listen.
    pub async fn start(kind: Kind, port: u16, fault: Fault, app: App) -> anyhow::Result<Self> {
        let App { router: app, pool } = app;
        let (sender, receiver) = watch::channel(fault);
        let control = Arc::new(Control {
            kind,
            fault: sender,
            calls: Calls::default(),
        });
        let app = app
            .layer(middleware::from_fn_with_state(
                control.clone(),
                fault_and_count,
            ))
            .merge(
                Router::new()
                    .route("/admin/fault/{mode}", put(set_fault))
                    .route("/admin/calls", get(show_calls))
                    .with_state(control.clone()),
            );
        let listener = bind_loopback_async(port)
            .await
            .map_err(|e| e.context(format!("the {} service could not start", kind.name())))?;
        let address = listener.local_addr()?;
        let (stop, stopped) = watch::channel(false);
        let supervisor = tokio::spawn(supervise(listener, address, app, receiver, stopped));
        Ok(Self {
            kind,
            address,
            control,
            supervisor,
            stop,
            pool,
        })
    }

    /// Which service this is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Where it listens (or will, once up again).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Flips the fault switch, as `PUT /admin/fault/{mode}` does; this is
    /// also the way back up for a service that is down (nothing listens
    /// to ask it).
    pub fn set_fault(&self, fault: Fault) {
        self.control.fault.send_replace(fault);
    }

    /// The switch's setting.
    pub fn fault(&self) -> Fault {
        *self.control.fault.borrow()
    }

    /// The request counters now.
    pub fn calls(&self) -> CallCounts {
        self.control.calls.counts()
    }

    /// Waits until no request is running, at most `bound`; the counts at
    /// the end (check `in_flight`).
    pub async fn settled(&self, bound: Duration) -> CallCounts {
        let calls = &self.control.calls;
        let _ = tokio::time::timeout(bound, async {
            loop {
                let ended = calls.ended.notified();
                if calls.counts().in_flight == 0 {
                    return;
                }
                ended.await;
            }
        })
        .await;
        calls.counts()
    }

    /// Stops listening, lets the requests in flight finish (at most
    /// [`STOP_BOUND`]), and closes the pool.
    pub async fn stop(self) {
        let Self {
            supervisor,
            stop,
            pool,
            ..
        } = self;
        stop.send_replace(true);
        let abort = supervisor.abort_handle();
        if tokio::time::timeout(STOP_BOUND, supervisor).await.is_err() {
            abort.abort();
        }
        if let Some(pool) = pool {
            pool.close(); // 10.4's destroy_database_pool
        }
    }
}

/// Serves `app` while the switch is not `down`; when it goes down, stops
/// listening (graceful: answers in flight still go out) and waits to be
/// switched back, then listens on the same address again. Ends when
/// `stop` turns true.
async fn supervise(
    listener: tokio::net::TcpListener,
    address: SocketAddr,
    app: Router,
    mut fault: watch::Receiver<Fault>,
    mut stop: watch::Receiver<bool>,
) {
    let mut listener = Some(listener);
    loop {
        if *stop.borrow() {
            return;
        }
        if *fault.borrow_and_update() == Fault::Down {
            drop(listener.take());
            tokio::select! {
                changed = fault.changed() => if changed.is_err() { return } else { continue },
                _ = stop.wait_for(|stop| *stop) => return,
            }
        }
        let socket = match listener.take() {
            Some(socket) => socket,
            None => match bind_loopback_async(address.port()).await {
                Ok(socket) => socket,
                Err(e) => {
                    eprintln!("{e:#}; trying again");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            },
        };
        let (mut down, mut stopping) = (fault.clone(), stop.clone());
        let served = axum::serve(socket, app.clone())
            .with_graceful_shutdown(async move {
                tokio::select! {
                    _ = down.wait_for(|f| *f == Fault::Down) => {}
                    _ = stopping.wait_for(|stop| *stop) => {}
                }
            })
            .await;
        if let Err(e) = served {
            eprintln!("service on {address} stopped: {e}");
        }
    }
}

/// The four services, each on a free loopback port of this process.
#[derive(Debug)]
pub struct Services {
    pub products: Service,
    pub inventory: Service,
    pub favorites: Service,
    pub cart: Service,
}

impl Services {
    /// Starts all four at once, each serving what `app` makes for its
    /// kind, with the faults of `--fault`, and prints where each listens.
    pub async fn start(
        ctx: &Ctx,
        app: impl AsyncFn(Kind) -> anyhow::Result<App>,
    ) -> anyhow::Result<Self> {
        let options = ctx.options::<crate::Options>();
        let start = async |kind: Kind| {
            Service::start(kind, 0, options.fault_for(kind), app(kind).await?).await
        };
        let (products, inventory, favorites, cart) = tokio::try_join!(
            start(Kind::Products),
            start(Kind::Inventory),
            start(Kind::Favorites),
            start(Kind::Cart),
        )?;
        let services = Self {
            products,
            inventory,
            favorites,
            cart,
        };
        for service in services.all() {
            let fault = match service.fault() {
                Fault::None => String::new(),
                fault => format!(" (fault switch: {})", fault.name()),
            };
            println!(
                "{} service on {}{fault}",
                service.kind().name(),
                service.address()
            );
        }
        Ok(services)
    }

    /// The four, in the book's port order.
    pub fn all(&self) -> [&Service; 4] {
        [&self.products, &self.inventory, &self.favorites, &self.cart]
    }

    /// The one of kind `kind`.
    pub fn get(&self, kind: Kind) -> &Service {
        match kind {
            Kind::Products => &self.products,
            Kind::Inventory => &self.inventory,
            Kind::Favorites => &self.favorites,
            Kind::Cart => &self.cart,
        }
    }

    /// Where the backend-for-frontend finds them.
    pub fn backends(&self) -> Backends {
        Backends {
            products: self.products.url(),
            inventory: self.inventory.url(),
            favorites: self.favorites.url(),
            cart: self.cart.url(),
        }
    }

    /// Every service's counters now.
    pub fn calls(&self) -> [CallCounts; 4] {
        self.all().map(Service::calls)
    }

    /// Stops all four.
    pub async fn stop(self) {
        tokio::join!(
            self.products.stop(),
            self.inventory.stop(),
            self.favorites.stop(),
            self.cart.stop()
        );
    }
}

/// Ctrl-C (or SIGTERM) for a server listing: installed before the server
/// starts, so from then on both signals are the listing's to handle (and
/// `all` gets their default action back when the listing ends).
pub struct CtrlC(shared_util::signals::Stop);

impl CtrlC {
    /// Takes over SIGINT and SIGTERM until dropped.
    pub fn install() -> anyhow::Result<Self> {
        Ok(Self(shared_util::signals::Stop::install()?))
    }

    /// Waits for Ctrl-C or SIGTERM.
    pub async fn wait(&mut self) {
        let name = self.0.wait().await;
        println!("Got a {name}: stopping");
    }
}

/// An HTTP client for loopback services: no proxy from the environment,
/// and a bound on every request so nothing waits forever.
pub fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// Runs one service alone, as the book's listing does, serving the `app`
/// its listing makes: on its book port (`--port`; a free one with
/// `--demo`) until Ctrl-C, or, with `--demo`, for a scripted client that
/// sends the service's sample requests and prints the answers.
pub async fn serve_alone(
    ctx: &Ctx,
    kind: Kind,
    app: impl Future<Output = anyhow::Result<App>>,
) -> anyhow::Result<()> {
    let fault = ctx.options::<crate::Options>().fault_for(kind);
    if fault == Fault::Down {
        return Err(shared_util::ctx::usage(format!(
            "a service run alone cannot start down: use --fault {}=down with 10.8 or 10.8a, or `PUT /admin/fault/down` once it runs",
            kind.name()
        )));
    }
    let mut ctrl_c = CtrlC::install()?;
    let port = match (ctx.flags.port, ctx.flags.demo) {
        (Some(port), _) => port,
        (None, true) => 0,
        (None, false) => kind.book_port(),
    };
    let service = Service::start(kind, port, fault, app.await?).await?;
    let url = service.url();
    println!("listening on {}", service.address());
    if ctx.flags.demo {
        let client = client()?;
        for path in kind.sample_paths() {
            let clock = shared_util::timing::Stopwatch::start();
            let response = client.get(format!("{url}{path}")).send().await?;
            let status = response.status();
            let body = response.text().await?;
            let took = clock.elapsed().as_secs_f64();
            // A long answer (the product list) one item per line.
            let body = if body.len() > 100 {
                format!("\n{}", crate::show_json(&body))
            } else {
                format!(" {body}")
            };
            println!("GET {path} -> {status} in {took:.1} s:{body}");
        }
        println!("{}: {}", kind.name(), service.calls());
    } else {
        println!(
            "try it: curl {url}{}   (fault switch: curl -X PUT {url}/admin/fault/slow; none, slow, fail, down)",
            kind.sample_paths()[0]
        );
        ctrl_c.wait().await;
    }
    service.stop().await;
    Ok(())
}
