//! Listing 2.15 — A future completed by another task a second later.
//!
//! `make_request` returns at once with something to await, and a spawned
//! task supplies the value after a second. A `oneshot` channel is Tokio's
//! ready-made settable future: the `Sender` is `set_result`, the `Receiver`
//! is the future. Unlike asyncio's `Future`, the two halves are separate
//! values, so only the holder of the sender can complete it, exactly once.
//!
//! Run: cargo run -p chapter02 -- 2.15

use std::time::Duration;

use shared_util::Ctx;
use tokio::sync::oneshot;

fn make_request() -> oneshot::Receiver<i32> {
    let (sender, receiver) = oneshot::channel();
    tokio::spawn(set_future_value(sender));
    receiver
}

async fn set_future_value(sender: oneshot::Sender<i32>) {
    tokio::time::sleep(Duration::from_secs(1)).await;
    // Fails only if the receiver was dropped: nobody wants the value then.
    let _ = sender.send(42);
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut future = make_request();
    println!("Is the future done? {}", !future.is_empty());
    let value = (&mut future).await?;
    println!("Is the future done? {}", future.is_terminated());
    println!("{value}");
    Ok(())
}
