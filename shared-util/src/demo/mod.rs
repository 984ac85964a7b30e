//! The stand-ins: what a listing talks to where the book talks to the
//! outside world. They are not the book's util (that is the rest of this
//! crate); they exist so every listing runs offline, on any machine, and
//! tells the same story.
//!
//! - [`server`] — the demo server, the stand-in for example.com (and the
//!   generated site chapter 12 crawls); also the `demo-server` binary.
//! - [`database`] — the demo database, a throwaway PostgreSQL of the
//!   machine's own standing in for the book's server; [`DatabaseUrl`](database::DatabaseUrl)
//!   for any server given with `--database-url`.
//! - [`products`] — the book's product database (chapter 5's schema and
//!   rows), built in whichever server a run uses.
//! - [`broker`] — the demo broker, a throwaway Redis of the machine's own
//!   for chapter 12's orders on a real broker (12.11, 12.12).
//! - [`db`] — connecting to it the way every database listing does: one
//!   connection or a pool, bounded, with errors that name the cause.
//!
//! Listings rarely name these: [`Ctx`](crate::Ctx) starts the demo server
//! and the demo database on first use.

pub mod broker;
pub mod database;
pub mod db;
pub mod products;
pub mod server;
mod supervised;

pub(crate) use supervised::end_with_this_thread;
