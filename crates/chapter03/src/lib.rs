//! Chapter 3 — A first asyncio application, on Tokio.
//!
//! The book's echo server, from the ground up: blocking sockets (3.1–3.3),
//! non-blocking ones that fail or spin (3.4–3.6), a selector (3.7, on
//! mio), then the Tokio server with a task per connection (3.8), signal
//! handling (3.9) and a server that keeps one client's failure to itself
//! and shuts down gracefully (3.10). The `load` tool hammers any echo
//! server and checks every byte. Run `cargo run -p chapter03 -- list`.

mod load;
mod serving;
pub use shared_util::sys;

mod l01_blocking_accept;
mod l02_read_until_crlf;
mod l03_blocking_clients;
mod l04_non_blocking_socket;
mod l05_naive_non_blocking;
mod l06_busy_wait;
mod l07_selector;
mod l08_echo_server;
mod l09_signal_handler;
mod l10_graceful_echo_server;

use runner::Flag;
use runner::Set;
use runner::listing;
use runner::{Chapter, ChapterOptions, Scaling, Share, Tool};

/// The chapter's listings, in the book's order.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 3,
    title: "A first asyncio application",
    listings: &[
        listing!(sync "3.1", l01_blocking_accept, "A blocking server accepts one connection").server(),
        listing!(sync "3.2", l02_read_until_crlf, "Reading a client's bytes two at a time until \\r\\n").server(),
        listing!(sync "3.3", l03_blocking_clients, "A blocking server with two clients: the second waits").server(),
        listing!(sync "3.4", l04_non_blocking_socket, "A non-blocking socket returns WouldBlock instead of waiting").takes(&[Flag::Demo, Flag::Port]),
        listing!(sync "3.5", l05_naive_non_blocking, "The naive non-blocking server fails on WouldBlock").takes(&[Flag::Demo, Flag::Port]),
        listing!(sync "3.6", l06_busy_wait, "A busy-waiting server works but burns a core").server(),
        listing!(sync "3.7", l07_selector, "An echo server on a selector (mio/epoll)").server(),
        listing!("3.8", l08_echo_server, "The Tokio echo server: a task per connection").server(),
        listing!("3.9", l09_signal_handler, "Catching SIGINT and cancelling running tasks").takes(&[Flag::Demo]),
        listing!("3.10", l10_graceful_echo_server, "A failing client stays contained; graceful shutdown").server(),
    ],
    sets: &[Set {
        name: "echo",
        about: "round trips per second under the load tool: a selector loop vs the Tokio servers vs a thread per connection (chapter 7)",
        entries: &["3.7", "3.8", "3.10", "chapter07:7.1"],
        flags: &["--port", "0"],
        python: &["echo_server.py --port 0"],
        load: &["load", "--addr", "{addr}", "--clients", "100", "--messages", "1000", "--size", "1024"],
        python_flags: &[],
        goal: "the Tokio server (3.8) at least 2x asyncio's round trips per second, each on one core",
        after: None,
        scaling: None,
    }, Set {
        name: "scaling",
        about: "the echo server (3.8) on the multi-thread runtime with 1, 2, 4, ... workers on as many CPUs, the load on the other half",
        entries: &["3.8"],
        flags: &["--port", "0"],
        python: &[],
        load: &["load", "--addr", "{addr}", "--clients", "100", "--messages", "1000", "--size", "1024"],
        python_flags: &[],
        goal: "efficiency at least 70% up to 4 workers, where the load has its own cores",
        // Python scales out: N processes sharing the port (SO_REUSEPORT).
        after: None,
        scaling: Some(Scaling {
            flag: "--workers",
            share: Share::Half,
            python: &["echo_server.py --port 0 --processes {n}"],
        }),
    }],
    workers: &[],
    tools: TOOLS,
    options: ChapterOptions::NONE,
};

/// Tools that come with the chapter: `cargo run -p chapter03 -- load --help`.
pub static TOOLS: &[Tool] = &[Tool::new::<load::Args>(
    "load",
    "many clients against any echo server, every echoed byte verified",
)];
