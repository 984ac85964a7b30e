//! Listing 8.8 — The message store behind the full-screen apps.
//!
//! The book's `MessageStore` keeps the last N messages in a deque and calls
//! a redraw callback on every append. Here the store is plain data (no
//! terminal, no callback): the app's loop redraws after it appends, which
//! keeps ownership simple and lets the store be unit-tested. Run alone, the
//! listing shows a store of 4 keeping the newest messages as more arrive.
//!
//! Run: cargo run -p chapter08 -- 8.8

use std::collections::VecDeque;

use shared_util::Ctx;

/// The newest `capacity` messages, oldest first.
#[derive(Debug, Clone)]
pub struct MessageStore {
    messages: VecDeque<String>,
    capacity: usize,
}

impl MessageStore {
    pub fn new(capacity: usize) -> Self {
        Self {
            messages: VecDeque::with_capacity(capacity),
            capacity: capacity.max(1),
        }
    }

    /// Adds a message, forgetting the oldest when full.
    pub fn append(&mut self, message: impl Into<String>) {
        if self.messages.len() == self.capacity {
            self.messages.pop_front();
        }
        self.messages.push_back(message.into());
    }

    /// The newest `rows` messages, oldest first: what fits on the screen.
    pub fn last(&self, rows: usize) -> impl Iterator<Item = &str> {
        let skip = self.messages.len().saturating_sub(rows);
        self.messages.iter().skip(skip).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut store = MessageStore::new(4);
    for n in 1..=6 {
        store.append(format!("Finished delay {n}"));
        let shown: Vec<&str> = store.last(usize::MAX).collect();
        println!("after message {n}: {shown:?}");
    }
    println!(
        "a 2-row screen shows {:?}",
        store.last(2).collect::<Vec<_>>()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_messages_in_order() {
        let mut store = MessageStore::new(3);
        for n in 0..5 {
            store.append(n.to_string());
        }
        assert_eq!(store.len(), 3);
        assert_eq!(store.last(10).collect::<Vec<_>>(), ["2", "3", "4"]);
        assert_eq!(store.last(2).collect::<Vec<_>>(), ["3", "4"]);
        assert_eq!(store.last(0).count(), 0);
    }

    #[test]
    fn a_zero_capacity_store_still_holds_one_message() {
        let mut store = MessageStore::new(0);
        assert!(store.is_empty());
        store.append("a");
        store.append("b");
        assert_eq!(store.last(5).collect::<Vec<_>>(), ["b"]);
    }
}
