//! Listing 5.14 — An async generator: a `Stream` that waits before each item.
//!
//! Python's `async def` with `yield` is an async generator; in Rust it is
//! a `Stream`, written here with `async_stream::stream!` so it reads the
//! same way. `async for` becomes `while let Some(..) = stream.next().await`;
//! the stream is pinned first, because it may hold references across its
//! awaits. Nothing runs until the loop polls it.
//!
//! Run: cargo run -p chapter05 -- 5.14 --virtual-time

use futures::{Stream, StreamExt as _};
use shared_util::{Ctx, async_timed, delay};

fn positive_integers_async(until: u64) -> impl Stream<Item = u64> {
    async_stream::stream! {
        for integer in 1..until {
            delay(integer).await;
            yield integer;
        }
    }
}

#[async_timed]
async fn main() {
    let async_generator = positive_integers_async(3);
    println!(
        "{}",
        short_type_name(std::any::type_name_of_val(&async_generator))
    );
    let mut async_generator = std::pin::pin!(async_generator);
    while let Some(number) = async_generator.next().await {
        println!("Got number {number}");
    }
}

/// `async_stream::async_stream::AsyncStream<u64, ...>` → `AsyncStream<u64, ...>`.
fn short_type_name(name: &str) -> String {
    let (path, generics) = name.split_once('<').unwrap_or((name, ""));
    let last = path.rsplit("::").next().unwrap_or(path);
    let first_arg = generics.split(',').next().unwrap_or("");
    format!("{last}<{first_arg}, ...>")
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    main().await;
    Ok(())
}
