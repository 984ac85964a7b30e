//! Chapter 8 — Streams, on Tokio.
//!
//! An HTTP GET written as a callback protocol over a codec (8.1) and as a
//! `Framed` stream (8.2), then with reader and writer halves (8.3); reading
//! stdin without blocking the runtime (8.4–8.6); the pieces of a full-screen
//! console — escape codes, a line read key by key, a message store
//! (8.7–8.9) — and the console itself, which keeps taking input while tasks
//! finish above it (8.10, 8.11); a server that
//! tracks its clients (8.12) and a chat server and client that speak the
//! book's line protocol (8.13, 8.14). Run `cargo run -p chapter08 -- list`.

mod chat_client;
mod console;
pub mod http;
pub mod keys;
pub mod screen;
mod terminal;
mod ticker;

mod l01_protocol;
mod l02_framed_request;
mod l03_stream_reader;
mod l04_blocking_input;
mod l05_async_stdin;
mod l06_delay_lines;
mod l07_cursor_helpers;
mod l08_read_line;
pub mod l09_message_store;
mod l10_delay_console;
mod l11_query_console;
mod l12_server_state;
mod l13_chat_server;
mod l14_chat_client;

use runner::Flag;
use runner::listing;
use runner::{Chapter, ChapterOptions};

/// The chapter's listings, in the book's order.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 8,
    title: "Streams",
    listings: &[
        listing!("8.1", l01_protocol, "An HTTP GET as a protocol with callbacks and a Decoder").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!("8.2", l02_framed_request, "Making the request: the Decoder behind Framed").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!("8.3", l03_stream_reader, "The request with reader and writer halves, lines as a Stream").takes(&[Flag::Url, Flag::LatencyMs]),
        listing!("8.4", l04_blocking_input, "A blocking stdin read freezes a ticking timer").interactive(),
        listing!("8.5", l05_async_stdin, "Reading stdin without blocking: the ticker keeps going").interactive(),
        listing!("8.6", l06_delay_lines, "Delays started from lines of stdin").interactive(),
        listing!("8.7", l07_cursor_helpers, "The terminal's escape codes as cursor helpers"),
        listing!("8.8", l08_read_line, "Reading a line key by key, Backspace included (raw mode)").interactive(),
        listing!("8.9", l09_message_store, "The message store: a bounded deque, a callback on every append"),
        listing!("8.10", l10_delay_console, "The delay console: a full-screen app").interactive(),
        listing!("8.11", l11_query_console, "The console issuing queries (in-memory table)").interactive().takes(&[Flag::DatabaseUrl]),
        listing!("8.12", l12_server_state, "A server on streams that tracks its clients").server(),
        listing!("8.13", l13_chat_server, "The chat server").server(),
        listing!("8.14", l14_chat_client, "The chat client (terminal, or --script)").interactive().takes(&[Flag::Demo, Flag::Port]),
    ],
    sets: &[],
    workers: &[],
    tools: &[],
    options: ChapterOptions::of::<Options>(),
};

/// Options of chapter 8's listings, read with `ctx.options::<Options>()`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// 8.1-8.3: seconds to wait for the whole HTTP exchange.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, allow_negative_numbers = true,
          value_parser = runner::whole_number::<u64>(1, None))]
    pub timeout: u64,
    /// 8.13: seconds a chat client may stay silent.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, allow_negative_numbers = true,
          value_parser = runner::whole_number::<u64>(1, None))]
    pub idle_timeout: u64,
    /// 8.14: lines to send, separated by |, then print what arrives and exit.
    #[arg(long, value_name = "LINES")]
    pub script: Option<String>,
    /// 8.14 --script: the username to CONNECT as.
    #[arg(long, value_name = "NAME", default_value = "rustacean")]
    pub username: String,
}
