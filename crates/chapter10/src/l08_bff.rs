//! Listing 10.8 — The backend-for-frontend: four services behind one call, with a deadline.
//!
//! `GET /products/all` asks the product, favourites and cart services at
//! once and waits at most 1 s; products late → 504, products failing → 500,
//! favourites or cart failing or late → `null` for them and the rest still
//! answered. Then each product's inventory, all at once, again within 1 s;
//! a late one is `null`. asyncio's `wait(timeout=)` returns done and pending
//! sets and the book cancels the pending tasks by hand; here each call is
//! wrapped in `timeout_at(deadline, ..)`, and a call that misses it is
//! *dropped*, which closes its connection, so the service drops its handler
//! too (its counters show the call cancelled, not left running). A spawned
//! task would not be: dropping a `JoinHandle` detaches the task.
//!
//! Run: cargo run -p chapter10 -- 10.8   (starts the four services, then curl http://127.0.0.1:9000/products/all)
//! Load: cargo run -p chapter10 -- 10.8 --demo --requests 2000 --limit 100 [--fault inventory=slow]

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::future::join_all;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use shared_util::Ctx;
use tokio::time::{Instant, timeout_at};

use crate::services::{self, App, Backends, CtrlC, Kind, Services};
use crate::{l01_inventory, l05_favorites, l06_cart, l07_products};

/// How long the backend-for-frontend waits for each round of calls.
pub const DEADLINE: Duration = Duration::from_secs(1);

/// The user whose favourites and cart the page shows (the book's user 3).
const USER: u32 = 3;

/// The backend-for-frontend's state: one HTTP client (a pool of
/// connections, where the book opens a `ClientSession` per request) and
/// the services' addresses.
struct Bff {
    client: reqwest::Client,
    backends: Backends,
}

#[derive(Debug, Deserialize)]
struct Product {
    product_id: i64,
}

#[derive(Debug, Deserialize)]
struct Inventory {
    inventory: i64,
}

/// One product of the page: its inventory is `None` (null) when the call
/// failed or was late.
#[derive(Debug, Serialize)]
struct ProductRecord {
    product_id: i64,
    inventory: Option<i64>,
}

/// The page.
#[derive(Debug, Serialize)]
struct Page {
    cart_items: Option<usize>,
    favorite_items: Option<usize>,
    products: Vec<ProductRecord>,
}

impl Bff {
    /// GET `url` and read its JSON body; an error status is an error.
    async fn get_json<T: DeserializeOwned>(&self, url: String) -> anyhow::Result<T> {
        let response = self.client.get(&url).send().await?.error_for_status()?;
        Ok(response.json().await?)
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

async fn all_products(State(bff): State<Arc<Bff>>) -> Response {
    let base = &bff.backends;
    let deadline = Instant::now() + DEADLINE;
    // The three calls run at once; each gives up at the same deadline, and
    // giving up drops (cancels) the request.
    let (products, favorites, cart) = tokio::join!(
        timeout_at(
            deadline,
            bff.get_json::<Vec<Product>>(format!("{}/products", base.products))
        ),
        timeout_at(
            deadline,
            bff.get_json::<Vec<Value>>(format!("{}/users/{USER}/favorites", base.favorites))
        ),
        timeout_at(
            deadline,
            bff.get_json::<Vec<Value>>(format!("{}/users/{USER}/cart", base.cart))
        ),
    );
    let products = match products {
        Err(_late) => {
            return error(
                StatusCode::GATEWAY_TIMEOUT,
                "Could not reach products service.",
            );
        }
        Ok(Err(e)) => {
            eprintln!("bff: Server error reaching product service: {e:#}");
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Server error reaching products service.",
            );
        }
        Ok(Ok(products)) => products,
    };
    let product_results = get_products_with_inventory(&bff, &products).await;
    let cart_item_count = item_count(cart, "Error getting user cart.");
    let favorite_item_count = item_count(favorites, "Error getting user favorites.");
    Json(Page {
        cart_items: cart_item_count,
        favorite_items: favorite_item_count,
        products: product_results,
    })
    .into_response()
}

/// Every product's inventory, asked all at once within one deadline; a
/// late or failed call gives `null`. In the products' order.
async fn get_products_with_inventory(bff: &Bff, products: &[Product]) -> Vec<ProductRecord> {
    let deadline = Instant::now() + DEADLINE;
    let inventories = join_all(products.iter().map(|product| {
        let url = format!(
            "{}/products/{}/inventory",
            bff.backends.inventory, product.product_id
        );
        timeout_at(deadline, bff.get_json::<Inventory>(url))
    }))
    .await;
    products
        .iter()
        .zip(inventories)
        .map(|(product, inventory)| {
            let inventory = match inventory {
                Ok(Ok(inventory)) => Some(inventory.inventory),
                Ok(Err(e)) => {
                    eprintln!(
                        "bff: Error getting inventory for id {}: {e:#}",
                        product.product_id
                    );
                    None
                }
                Err(_late) => None,
            };
            ProductRecord {
                product_id: product.product_id,
                inventory,
            }
        })
        .collect()
}

/// How many items a favourites or cart answer holds, or `None` (logged)
/// if the call failed or missed the deadline.
fn item_count(
    answer: Result<anyhow::Result<Vec<Value>>, tokio::time::error::Elapsed>,
    error_msg: &str,
) -> Option<usize> {
    match answer {
        Ok(Ok(items)) => Some(items.len()),
        Ok(Err(e)) => {
            eprintln!("bff: {error_msg} {e:#}");
            None
        }
        Err(_late) => None,
    }
}

/// The backend-for-frontend's routes, calling `backends`.
pub fn router(backends: Backends) -> anyhow::Result<Router> {
    let bff = Bff {
        client: services::client()?,
        backends,
    };
    Ok(Router::new()
        .route("/products/all", get(all_products))
        .with_state(Arc::new(bff)))
}

/// The backend-for-frontend serving on `port` in this process, and the
/// four services behind it.
/// The app of service `kind`, made by its own listing: 10.1, 10.5–10.7.
pub async fn service_app(ctx: &Ctx, kind: Kind) -> anyhow::Result<App> {
    match kind {
        Kind::Inventory => l01_inventory::app(ctx).await,
        Kind::Favorites => l05_favorites::app(ctx).await,
        Kind::Cart => l06_cart::app(ctx).await,
        Kind::Products => l07_products::app(ctx).await,
    }
}

pub struct System {
    pub services: Services,
    pub address: std::net::SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl System {
    /// Starts the four services (faults from `--fault`), then the
    /// backend-for-frontend on 127.0.0.1:`port`.
    pub async fn start(ctx: &Ctx, port: u16) -> anyhow::Result<Self> {
        let services = Services::start(ctx, async |kind| service_app(ctx, kind).await).await?;
        let listener = shared_util::net::bind_loopback_async(port).await?;
        let address = listener.local_addr()?;
        let app = router(services.backends())?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Self {
            services,
            address,
            stop,
            server,
        })
    }

    /// `http://ADDRESS/products/all`.
    pub fn url(&self) -> String {
        format!("http://{}/products/all", self.address)
    }

    /// Stops the backend-for-frontend, then the services.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let abort = self.server.abort_handle();
        if tokio::time::timeout(Duration::from_secs(5), self.server)
            .await
            .is_err()
        {
            abort.abort();
        }
        self.services.stop().await;
    }
}

/// Asks the backend-for-frontend for the page, prints the status and the
/// body as the client sees them, and then what each service did with the
/// calls: answered, or cancelled when the page was decided.
pub async fn show_one_page(system: &System) -> anyhow::Result<()> {
    let before = system.services.calls();
    let clock = shared_util::timing::Stopwatch::start();
    let response = services::client()?.get(system.url()).send().await?;
    let status = response.status();
    let body = response.text().await?;
    println!(
        "GET /products/all -> {status} in {:.2} s",
        clock.elapsed().as_secs_f64()
    );
    println!("{}", crate::show_json(&body));
    for (service, before) in system.services.all().into_iter().zip(before) {
        // A call dropped by the client ends at the service a moment later,
        // when it sees the connection close; wait for that (bounded).
        let now = service.settled(Duration::from_secs(2)).await;
        println!("  {:<9} {}", service.kind().name(), now.since(before));
    }
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let mut ctrl_c = CtrlC::install()?;
    let port = match (ctx.flags.port, ctx.flags.demo) {
        (Some(port), _) => port,
        (None, true) => 0,
        (None, false) => 9000,
    };
    let system = System::start(ctx, port).await?;
    println!("listening on {}", system.address);
    if ctx.flags.demo && ctx.requests_or(1) > 1 {
        // `--requests N --limit C`: a load loop instead of one page.
        let (requests, clients) = (ctx.requests_or(1), ctx.limit_or(100));
        println!("{requests} requests, {clients} at a time:");
        println!(
            "{}",
            crate::load::run(&system.url(), requests, clients).await?
        );
    } else if ctx.flags.demo {
        show_one_page(&system).await?;
    } else {
        println!("try it: curl {}", system.url());
        ctrl_c.wait().await;
    }
    system.stop().await;
    Ok(())
}
