//! Listing 8.9 — The message store behind the full-screen apps.
//!
//! The book's `MessageStore` keeps the last N messages in a deque and
//! awaits a redraw callback on every append. So does this one, with a plain
//! `FnMut` (drawing a screen does not wait on anything): run alone, the
//! listing's callback prints the store of 4 as each message arrives. The
//! full-screen apps (8.10, 8.11, 8.14) create the store without a callback
//! instead: their single loop redraws after it appends, so the store need
//! not own the terminal — ownership stays simple, and the store is
//! unit-tested as plain data.
//!
//! Run: cargo run -p chapter08 -- 8.9

use std::collections::VecDeque;

use shared_util::Ctx;

/// Called with every message held, oldest first, after each append.
type Callback = Box<dyn FnMut(&VecDeque<String>) + Send>;

/// The newest `capacity` messages, oldest first.
pub struct MessageStore {
    messages: VecDeque<String>,
    capacity: usize,
    callback: Option<Callback>,
}

impl MessageStore {
    /// A store with no callback: its owner redraws after appending.
    pub fn new(capacity: usize) -> Self {
        Self {
            messages: VecDeque::with_capacity(capacity),
            capacity: capacity.max(1),
            callback: None,
        }
    }

    /// The book's form: `callback` sees the messages after every append.
    pub fn with_callback(
        capacity: usize,
        callback: impl FnMut(&VecDeque<String>) + Send + 'static,
    ) -> Self {
        Self {
            callback: Some(Box::new(callback)),
            ..Self::new(capacity)
        }
    }

    /// Adds a message, forgetting the oldest when full, then calls back.
    pub fn append(&mut self, message: impl Into<String>) {
        if self.messages.len() == self.capacity {
            self.messages.pop_front();
        }
        self.messages.push_back(message.into());
        if let Some(callback) = &mut self.callback {
            callback(&self.messages);
        }
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

impl std::fmt::Debug for MessageStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageStore")
            .field("messages", &self.messages)
            .field("capacity", &self.capacity)
            .field("callback", &self.callback.is_some())
            .finish()
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut appended = 0;
    let mut store = MessageStore::with_callback(4, move |messages| {
        appended += 1;
        println!("after message {appended}: {messages:?}");
    });
    for n in 1..=6 {
        store.append(format!("Finished delay {n}"));
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
    fn the_callback_sees_every_append() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = std::sync::Arc::clone(&seen);
        let mut store = MessageStore::with_callback(2, move |messages| {
            log.lock()
                .unwrap()
                .push(messages.iter().cloned().collect::<Vec<_>>());
        });
        for n in 1..=3 {
            store.append(n.to_string());
        }
        assert_eq!(
            *seen.lock().unwrap(),
            [vec!["1"], vec!["1", "2"], vec!["2", "3"]]
        );
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
