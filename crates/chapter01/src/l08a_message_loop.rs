//! Listing 1.8a — A message loop over a queue.
//!
//! The book's smallest event loop: a queue of messages and a loop that
//! takes one at a time. The book's `while True` spins forever; this one
//! stops when the queue is empty, and one message queues another, the way a
//! task scheduled by a callback joins the queue of an event loop.
//!
//! Run: cargo run -p chapter01 -- 1.8a

use std::collections::VecDeque;

use shared_util::Ctx;

fn process_message(message: &str, messages: &mut VecDeque<String>) {
    println!("processing {message}");
    if message == "key pressed" {
        messages.push_back("redraw window".to_owned());
    }
}

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut messages: VecDeque<String> = ["mouse moved", "key pressed", "timer fired"]
        .map(String::from)
        .into();

    while let Some(message) = messages.pop_front() {
        process_message(&message, &mut messages);
    }
    println!("queue empty: the loop ends");
    Ok(())
}
