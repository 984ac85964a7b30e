//! Listing 8.11 — The console issuing queries instead of delays.
//!
//! The book points the delay console at chapter 5's Postgres database. This
//! workspace has no database in chapter 8, so a tiny in-memory product
//! table stands in, with a simulated 500 ms query time: type part of a
//! product name, the query runs as a task and its rows scroll in while you
//! keep typing the next one. Ctrl-C quits.
//!
//! Run: cargo run -p chapter08 -- 8.11

use std::time::Duration;

use shared_util::Ctx;
use tokio::sync::mpsc;

use crate::console::{Next, run_console};

const PRODUCTS: &[(u32, &str)] = &[
    (1, "Analog watch"),
    (2, "Running shoe"),
    (3, "Trail shoe"),
    (4, "Wool sock"),
    (5, "Running sock"),
    (6, "Digital watch"),
];

/// Rows whose name contains `text` (case-insensitive), like `LIKE '%text%'`.
pub fn query(text: &str) -> Vec<String> {
    let wanted = text.trim().to_lowercase();
    PRODUCTS
        .iter()
        .filter(|(_, name)| name.to_lowercase().contains(&wanted))
        .map(|(id, name)| format!("  {id}: {name}"))
        .collect()
}

async fn run_query(text: String, messages: mpsc::UnboundedSender<String>) {
    let _ = messages.send(format!("Running query '{text}'"));
    tokio::time::sleep(Duration::from_millis(500)).await; // the database's time
    let rows = query(&text);
    let _ = messages.send(format!("Query '{text}' returned {} row(s)", rows.len()));
    for row in rows {
        let _ = messages.send(row);
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let (messages, inbox) = mpsc::unbounded_channel();
    let _ = messages.send("Type part of a product name (e.g. shoe) and press Enter.".to_owned());
    run_console("query> ".to_owned(), inbox, |line| {
        tokio::spawn(run_query(line, messages.clone()));
        Next::Continue
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_match_names_case_insensitively() {
        assert_eq!(query("SHOE"), ["  2: Running shoe", "  3: Trail shoe"]);
        assert_eq!(query("watch").len(), 2);
        assert!(query("boat").is_empty());
        assert_eq!(query("").len(), PRODUCTS.len());
    }

    #[tokio::test(start_paused = true)]
    async fn a_query_task_reports_its_rows() {
        let (messages, mut inbox) = mpsc::unbounded_channel();
        run_query("sock".into(), messages).await;
        let mut seen = Vec::new();
        while let Ok(line) = inbox.try_recv() {
            seen.push(line);
        }
        assert_eq!(
            seen,
            [
                "Running query 'sock'",
                "Query 'sock' returned 2 row(s)",
                "  4: Wool sock",
                "  5: Running sock"
            ]
        );
    }
}
