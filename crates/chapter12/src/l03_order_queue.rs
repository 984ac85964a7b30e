//! Listing 12.3 — A web app that queues orders for five background workers.
//!
//! `POST /order` puts an order (0 to 4 s of work, times `--scale`) on a
//! queue of 10; five workers process orders in the background. A full queue
//! makes the request wait, as `await queue.put` does (`--reject-when-full`:
//! 503 instead). On Ctrl-C it stops taking orders (one still waiting for
//! room is answered 503: it was never accepted), waits at most 10 s for
//! `join`, then aborts the workers and names any order it lost. Handlers
//! share the queue through an `Arc` in axum's state, not the app's dict.
//! `--demo`: 20 orders, then SIGINT.
//!
//! Run: cargo run -p chapter12 -- 12.3 --demo --scale 0.1

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use shared_util::Ctx;
use tokio::task::JoinHandle;

use crate::order_server::{Orders, serve_until_ctrl_c};
use crate::queue::{Queue, Store};

/// An order: its number and how many seconds of work it is (the book's
/// order is the number of seconds alone).
#[derive(Debug)]
struct Order {
    id: u64,
    seconds: u32,
}

/// What the handler and the workers share.
struct OrderApp {
    queue: Queue<Order>,
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

async fn place_order(State(app): State<Arc<OrderApp>>) -> Response {
    let (id, seconds) = app.orders.next_order();
    let order = Order { id, seconds };
    put_order(&app.queue, &app.orders, order.id, order).await
}

/// Puts the order on the queue, waiting for room (or, with
/// `--reject-when-full`, answering 503 when there is none). Once the shop
/// is closing, the answer is 503 and the order is not accepted, even if it
/// was already waiting.
pub async fn put_order<T, S: Store<T>>(
    queue: &Queue<T, S>,
    orders: &Orders,
    id: u64,
    order: T,
) -> Response {
    if orders.is_closing() {
        return orders.turn_away();
    }
    if orders.reject_when_full {
        if queue.put_nowait(order).is_err() {
            orders.note_refused();
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "The order queue is full, try again later\n",
            )
                .into_response();
        }
    } else {
        // Waits while the queue is full; if the client hangs up or the shop
        // closes meanwhile, the put is dropped and the order was never put.
        tokio::select! {
            biased;
            () = orders.closed() => return orders.turn_away(),
            () = queue.put(order) => {}
        }
    }
    orders.note_accepted(id);
    format!("Order #{id} placed!\n").into_response()
}

fn create_order_queue(ctx: &Ctx) -> (Arc<OrderApp>, Vec<JoinHandle<()>>) {
    println!("Creating order queue and tasks.");
    let app = Arc::new(OrderApp {
        queue: Queue::new(10),
        orders: Orders::new(ctx),
    });
    let order_tasks = (0..ctx.limit_or(5))
        .map(|i| tokio::spawn(process_order_worker(i, app.clone())))
        .collect();
    (app, order_tasks)
}

/// Waits (at most `bound`) for every queued order, then cancels the
/// workers.
pub async fn destroy_queue<T, S: Store<T>>(
    queue: &Queue<T, S>,
    order_tasks: Vec<JoinHandle<()>>,
    bound: std::time::Duration,
) {
    println!("Waiting for pending queue workers to finish....");
    if tokio::time::timeout(bound, queue.join()).await.is_err() {
        println!(
            "{} order(s) still unfinished after {} s",
            queue.unfinished(),
            shared_util::timing::secs(bound)
        );
    }
    println!("Finished all pending items, canceling worker tasks...");
    for task in order_tasks {
        task.abort();
        let _ = task.await; // returns at once: the task is cancelled
    }
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let (app, order_tasks) = create_order_queue(ctx);
    let routes = axum::Router::new()
        .route("/order", post(place_order))
        .with_state(app.clone());
    serve_until_ctrl_c(ctx, routes, &app.orders, |_| String::new()).await?;
    destroy_queue(&app.queue, order_tasks, app.orders.drain_bound).await;
    app.orders.report();
    Ok(())
}
