//! Listing 11.15 — A condition with a predicate: queries wait for a connection.
//!
//! A connection takes two seconds to initialise. Queries issued meanwhile
//! must not run on a half-ready connection, so each takes the condition's
//! lock and calls `wait_for` with the predicate "the connection is
//! initialised": it sleeps through every wake-up that leaves the predicate
//! false and returns, lock held, once it is true. The connection sets its
//! state under the same lock and notifies every waiter at each change.
//! With `--virtual-time` the two seconds pass at once; `--timeline` draws
//! the queries waiting while the connection initialises.
//!
//! Run: cargo run -p chapter11 -- 11.15

use std::sync::Arc;
use std::time::Duration;

use shared_util::{Ctx, span};

use crate::condition::Condition;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConnectionState {
    WaitingToInitialise,
    Initialising,
    Initialised,
}

struct Connection {
    state: Condition<ConnectionState>,
}

impl Connection {
    fn new() -> Self {
        Self {
            state: Condition::new(ConnectionState::WaitingToInitialise),
        }
    }

    async fn change_state(&self, state: ConnectionState) {
        *self.state.lock().await = state;
        println!("Connection: state is now {state:?}");
        // Every change wakes every waiter; each checks its own predicate.
        self.state.notify_all();
    }

    async fn initialise(&self) {
        self.change_state(ConnectionState::Initialising).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        self.change_state(ConnectionState::Initialised).await;
    }

    async fn execute(&self, query: &str) {
        println!("execute: waiting for the connection to be initialised ({query})");
        let guard = self.state.lock().await;
        let _guard = self
            .state
            .wait_for(guard, |state| *state == ConnectionState::Initialised)
            .await;
        println!("execute: running {query}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let connection = Arc::new(Connection::new());
    let queries = ["select * from products", "select * from brands"].map(|query| {
        let connection = Arc::clone(&connection);
        tokio::spawn(
            async move { span(format!("execute({query})"), connection.execute(query)).await },
        )
    });
    // Let both queries start waiting before the connection initialises.
    tokio::task::yield_now().await;
    span("initialise()", connection.initialise()).await;
    for query in queries {
        query.await?;
    }
    Ok(())
}
