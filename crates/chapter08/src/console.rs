//! The full-screen loop shared by the delay console (8.10), the query
//! console (8.11) and the chat client (8.14): messages above, the input
//! line below, one task that owns the screen.
//!
//! Everything that changes the screen arrives on a channel — keys from the
//! stdin task, messages from the app's tasks — and the loop redraws after
//! each. No task writes to the terminal directly, so nothing races the
//! cursor (the book's version saves and restores the cursor instead).

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::l09_message_store::MessageStore;
use crate::screen::{Edit, LineEditor, frame};
use crate::terminal::{self, TerminalGuard};

/// What the app wants after a submitted line.
pub enum Next {
    Continue,
    /// Keep going with a new prompt.
    Prompt(String),
    Quit,
}

/// Runs the screen until Ctrl-C, Ctrl-D on an empty line, SIGINT or
/// SIGTERM (in raw mode Ctrl-C is a key; the signals come from `kill`), the
/// app returning `Next::Quit`, or end of input. `on_line` gets each line
/// typed; messages sent on `messages` scroll in above the input.
pub async fn run_console(
    mut prompt: String,
    mut messages: mpsc::UnboundedReceiver<String>,
    mut on_line: impl FnMut(String) -> Next,
) -> anyhow::Result<()> {
    // While the console runs it owns SIGINT and SIGTERM; afterwards they
    // get their default action again, so Ctrl-C still stops `all`.
    let _handling = shared_util::signals::handle();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let _guard = TerminalGuard::enter(true)?; // restores the screen on every way out
    let mut keys = terminal::spawn_key_reader();
    let mut store = MessageStore::new(1000);
    let mut editor = LineEditor::default();
    loop {
        let (width, height) = terminal::size();
        let (rows, cursor) = frame(&store, &prompt, &editor, width, height);
        terminal::draw(&rows, cursor)?;
        tokio::select! {
            key = keys.recv() => {
                let Some(key) = key else { return Ok(()) }; // stdin closed
                match editor.apply(key) {
                    Edit::Changed => {}
                    Edit::Quit => return Ok(()),
                    Edit::Submitted(line) => match on_line(line) {
                        Next::Continue => {}
                        Next::Prompt(text) => prompt = text,
                        Next::Quit => return Ok(()),
                    },
                }
            }
            Some(message) = messages.recv() => store.append(message),
            _ = sigterm.recv() => return Ok(()),
            _ = sigint.recv() => return Ok(()),
        }
    }
}
