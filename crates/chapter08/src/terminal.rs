//! The terminal side of the full-screen apps: a guard that restores the
//! screen however the app ends, a task that turns stdin bytes into keys,
//! and drawing a frame with crossterm's cursor commands.

use std::io::{Read as _, Write as _};

use crossterm::{cursor, execute, queue, style, terminal};
use tokio::sync::mpsc;

use crate::keys::{Key, KeyDecoder};

/// Fails with one line unless stdin and stdout are a terminal: a
/// full-screen app cannot run on pipes. Asked before anything costly (8.11
/// checks it before starting its database).
pub fn require_terminal() -> anyhow::Result<()> {
    use std::io::IsTerminal as _;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "this listing needs a terminal for its input and output; run it in one, not with pipes"
        );
    }
    Ok(())
}

/// Raw mode and the alternate screen while alive. `Drop` undoes both, so a
/// normal return, Ctrl-C (which we see as a key and return on), an error
/// with `?`, or a panic unwinding through the app all restore the screen.
pub struct TerminalGuard {
    alternate: bool,
}

impl TerminalGuard {
    /// Enters raw mode, and the alternate screen when `alternate`.
    pub fn enter(alternate: bool) -> anyhow::Result<Self> {
        require_terminal()?;
        terminal::enable_raw_mode()
            .map_err(|e| anyhow::anyhow!("this listing needs a terminal (raw mode failed: {e})"))?;
        let guard = Self { alternate };
        if alternate {
            execute!(std::io::stdout(), terminal::EnterAlternateScreen)?;
        }
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let mut out = std::io::stdout();
        if self.alternate {
            let _ = execute!(out, terminal::LeaveAlternateScreen);
        }
        let _ = execute!(out, cursor::Show);
        let _ = terminal::disable_raw_mode();
    }
}

/// Reads stdin on a thread of its own and sends keys; the channel closes at
/// end of input. Not `tokio::io::stdin`: its read would still be pending on
/// Tokio's blocking pool when the app quits, and runtime shutdown waits for
/// it (the runner's 2 s grace), so every exit would stall. A detached thread
/// blocked in `read` simply ends with the process.
pub fn spawn_key_reader() -> mpsc::Receiver<Key> {
    let (keys, receiver) = mpsc::channel(64);
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut decoder = KeyDecoder::default();
        let mut buffer = [0u8; 256];
        while let Ok(n @ 1..) = stdin.read(&mut buffer) {
            for key in decoder.feed(&buffer[..n]) {
                if keys.blocking_send(key).is_err() {
                    return;
                }
            }
        }
    });
    receiver
}

/// Draws `rows` from the top of the screen and puts the cursor at
/// (`cursor_column`, last row).
pub fn draw(rows: &[String], cursor_column: u16) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    queue!(out, cursor::Hide)?;
    for (row, text) in rows.iter().enumerate() {
        let row = u16::try_from(row).unwrap_or(u16::MAX);
        queue!(
            out,
            cursor::MoveTo(0, row),
            terminal::Clear(terminal::ClearType::CurrentLine),
            style::Print(text)
        )?;
    }
    let last = u16::try_from(rows.len().saturating_sub(1)).unwrap_or(u16::MAX);
    queue!(out, cursor::MoveTo(cursor_column, last), cursor::Show)?;
    out.flush()
}

/// The terminal's size as (columns, rows), 80×24 when it cannot tell.
pub fn size() -> (u16, u16) {
    terminal::size().unwrap_or((80, 24))
}
