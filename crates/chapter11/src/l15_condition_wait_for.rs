//! Listing 11.15 — A condition with a predicate: queries wait for a connection.
//!
//! A connection takes three seconds to initialise. Queries issued meanwhile
//! must not run on a half-ready connection, so each takes the condition's
//! lock and calls `wait_for` with the predicate `is_initialized` (the
//! book's private `_is_initialized`), which prints every check: a waiter checks once, sleeps, is woken by each state
//! change, takes the lock back, checks again, and returns (lock held) only
//! when the check passes. The first query then holds the lock through its
//! 3 s query, so the second, woken at the same moment, checks only when it
//! gets the lock: 9 s in all. The condition is 11.14's, a Tokio `Mutex`
//! and a `Notify`; the book's is `asyncio.Condition`. States print as Rust
//! paths (`ConnectionState::WaitInit`). `--virtual-time` runs it at once;
//! `--timeline` draws the waits.
//!
//! Run: cargo run -p chapter11 -- 11.15

use std::sync::Arc;
use std::time::Duration;

use shared_util::{Ctx, span};

use crate::condition::Condition;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConnectionState {
    WaitInit,
    Initializing,
    Initialized,
}

impl std::fmt::Display for ConnectionState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ConnectionState::{self:?}")
    }
}

struct Connection {
    state: Condition<ConnectionState>,
}

impl Connection {
    fn new() -> Self {
        Self {
            state: Condition::new(ConnectionState::WaitInit),
        }
    }

    async fn initialize(&self) {
        self.change_state(ConnectionState::Initializing).await;
        println!("initialize: Initializing connection...");
        tokio::time::sleep(Duration::from_secs(3)).await; // connecting takes time
        println!("initialize: Finished initializing connection");
        self.change_state(ConnectionState::Initialized).await;
    }

    async fn execute(&self, query: &str) {
        let guard = self.state.lock().await;
        println!("execute: Waiting for connection to initialize");
        let _guard = self.state.wait_for(guard, is_initialized).await;
        println!("execute: Running {query}!!!");
        tokio::time::sleep(Duration::from_secs(3)).await; // a long query, lock held
    }

    async fn change_state(&self, state: ConnectionState) {
        let mut current = self.state.lock().await;
        println!("change_state: State changing from {} to {state}", *current);
        *current = state;
        // Every change wakes every waiter; each checks its own predicate.
        self.state.notify_all();
    }
}

/// The predicate `wait_for` checks, under the lock, after every wake-up.
fn is_initialized(state: &ConnectionState) -> bool {
    if *state != ConnectionState::Initialized {
        println!("is_initialized: Connection not finished initializing, state is {state}");
        return false;
    }
    println!("is_initialized: Connection is initialized!");
    true
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let connection = Arc::new(Connection::new());
    let query = |query: &'static str| {
        let connection = Arc::clone(&connection);
        tokio::spawn(span(format!("execute({query})"), async move {
            connection.execute(query).await;
        }))
    };
    let query_one = query("select * from table");
    let query_two = query("select * from other_table");
    let initialize = Arc::clone(&connection);
    tokio::spawn(span("initialize()", async move {
        initialize.initialize().await;
    }));
    query_one.await?;
    query_two.await?;
    Ok(())
}
