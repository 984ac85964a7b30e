//! Listing 8.8 — Reading a line key by key, Backspace included.
//!
//! The book puts the terminal in cbreak mode and echoes each character
//! itself, so it knows exactly what sits on the input line; Backspace
//! erases with 8.7's `move_back_one_char`, a blank, and the same move
//! again, as here. Crossterm
//! switches the terminal to raw mode (a guard switches it back on any way
//! out, SIGINT and SIGTERM included) and stdin bytes, read on a thread of
//! their own, become keys on a channel; the listing echoes them, erases on
//! Backspace and prints each entered line. `quit` or Ctrl-C ends. With
//! piped input there is no terminal to switch, and it reads the bytes.
//!
//! Run: cargo run -p chapter08 -- 8.8

use std::io::{IsTerminal as _, Write as _};

use shared_util::Ctx;
use tokio::signal::unix::{SignalKind, signal};

use crate::keys::Key;
use crate::l07_cursor_helpers::move_back_one_char;
use crate::terminal::{TerminalGuard, spawn_key_reader};

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let _guard = match std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        true => Some(TerminalGuard::enter(false)?),
        false => None,
    };
    // Raw mode: "\n" only moves down; "\r\n" also returns to column 0.
    print!("type lines; Backspace erases; `quit` or Ctrl-C ends\r\n");
    let mut keys = spawn_key_reader();
    // Raw mode turns Ctrl-C into a key; a SIGINT or SIGTERM from `kill`
    // still ends the loop normally, so the guard restores the terminal.
    // The handling ends with the listing (the `_handling` guard).
    let _handling = shared_util::signals::handle();
    let (mut sigint, mut sigterm) = (
        signal(SignalKind::interrupt())?,
        signal(SignalKind::terminate())?,
    );
    let mut line = String::new();
    loop {
        let key = tokio::select! {
            key = keys.recv() => key,
            _ = sigint.recv() => None,
            _ = sigterm.recv() => None,
        };
        let Some(key) = key else { break };
        match key {
            Key::Char(c) => {
                line.push(c);
                print!("{c}");
            }
            Key::Backspace => {
                if line.pop().is_some() {
                    // back, blank, back
                    let mut out = std::io::stdout();
                    move_back_one_char(&mut out)?;
                    write!(out, " ")?;
                    move_back_one_char(&mut out)?;
                }
            }
            Key::Enter if line == "quit" => break,
            Key::Enter => print!("\r\nyou typed {:?}\r\n", std::mem::take(&mut line)),
            Key::Interrupt | Key::EndOfInput => break,
        }
        std::io::stdout().flush()?;
    }
    print!("\r\nbye\r\n");
    Ok(())
}
