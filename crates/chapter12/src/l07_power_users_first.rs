//! Listing 12.7 — The order app with a priority queue: power users first.
//!
//! Listing 12.3 on a [`PriorityQueue`]: `POST /order` reads
//! `{"power_user": "True"}` and the workers take power users' orders first.
//! Only the user type orders an `Order` (a hand-written `Ord`, the book's
//! `field(compare=False)`), so a stream of power users can starve everyone
//! else. `--demo` places `--requests` orders (20), every other a power user's.
//!
//! Run: cargo run -p chapter12 -- 12.7 --demo --scale 0.1

use std::cmp::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use shared_util::Ctx;

use crate::l03_order_queue::{destroy_queue, put_order};
use crate::order_server::{Orders, serve_until_ctrl_c};
use crate::queue::PriorityQueue;

/// The book's `IntEnum`: the smaller comes out of the queue first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum UserType {
    PowerUser = 1,
    NormalUser = 2,
}

#[derive(Debug)]
struct Order {
    user_type: UserType,
    id: u64,
    seconds: u32,
}

// Orders compare by user type alone: the id and the work are payload.
impl Ord for Order {
    fn cmp(&self, other: &Self) -> Ordering {
        self.user_type.cmp(&other.user_type)
    }
}
impl PartialOrd for Order {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Order {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Order {}

struct OrderApp {
    queue: PriorityQueue<Order>,
    orders: Orders,
}

async fn process_order_worker(worker_id: usize, app: Arc<OrderApp>) {
    loop {
        println!("Worker {worker_id}: Waiting for an order...");
        let order = app.queue.get().await;
        println!("Worker {worker_id}: Processing order {order:?}");
        tokio::time::sleep(app.orders.work(order.seconds)).await;
        println!("Worker {worker_id}: Processed order {order:?}");
        app.orders.note_processed(order.id);
        app.queue
            .task_done()
            .expect("one task_done per order taken");
    }
}

async fn place_order(State(app): State<Arc<OrderApp>>, body: Bytes) -> Response {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            "send JSON: {\"power_user\": \"True\"}\n",
        )
            .into_response();
    };
    let power_user = matches!(&body["power_user"], serde_json::Value::Bool(true))
        || body["power_user"]
            .as_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("true"));
    let user_type = if power_user {
        UserType::PowerUser
    } else {
        UserType::NormalUser
    };
    let (id, seconds) = app.orders.next_order();
    let order = Order {
        user_type,
        id,
        seconds,
    };
    put_order(&app.queue, &app.orders, order.id, order).await
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    println!("Creating order queue and tasks.");
    let app = Arc::new(OrderApp {
        queue: PriorityQueue::new(10),
        orders: Orders::new(ctx),
    });
    let order_tasks = (0..ctx.limit_or(5))
        .map(|i| tokio::spawn(process_order_worker(i, app.clone())))
        .collect();
    let routes = axum::Router::new()
        .route("/order", post(place_order))
        .with_state(app.clone());
    serve_until_ctrl_c(ctx, routes, &app.orders, |i| {
        format!(
            "{{\"power_user\": \"{}\"}}",
            if i % 2 == 1 { "True" } else { "False" }
        )
    })
    .await?;
    destroy_queue(&app.queue, order_tasks, app.orders.drain_bound).await;
    app.orders.report();
    Ok(())
}
