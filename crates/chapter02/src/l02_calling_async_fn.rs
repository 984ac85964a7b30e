//! Listing 2.2 — Calling an async fn runs nothing.
//!
//! A plain fn runs when called and hands back its result. An `async fn`
//! hands back a future and runs none of its body, exactly like calling a
//! Python coroutine function. Rust goes further than Python's "never awaited"
//! runtime warning: futures are `#[must_use]`, so the compiler warns about a
//! future that is created and then ignored.
//!
//! Run: cargo run -p chapter02 -- 2.2

use std::any::type_name_of_val;

use shared_util::Ctx;

async fn coroutine_add_one(number: i32) -> i32 {
    number + 1
}

fn add_one(number: i32) -> i32 {
    number + 1
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let function_result = add_one(1);
    let coroutine_result = coroutine_add_one(1);

    println!(
        "Function result is {function_result} and the type is {}",
        type_name_of_val(&function_result)
    );
    println!(
        "Coroutine result is a future that has not run, and the type is {}",
        type_name_of_val(&coroutine_result)
    );
    // Only awaiting (or polling) runs the body.
    println!("Awaited, it gives {}", coroutine_result.await);
    Ok(())
}
