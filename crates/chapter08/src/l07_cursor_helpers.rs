//! Listing 8.7 — The terminal's escape codes as helpers.
//!
//! A terminal moves its cursor and erases text when it receives escape
//! sequences: bytes starting with ESC (0x1b). The book writes them as
//! strings (`'\0337'`, `'\033[2K'`); here each helper queues crossterm's
//! command for it, which writes the same kind of bytes and also knows the
//! Windows console. Nothing reaches the screen until the writer is flushed.
//! Run alone, the listing prints the bytes each helper writes (ESC shown
//! as `ESC`); 8.8 erases characters with `move_back_one_char`, and the
//! full-screen apps (8.10, 8.11, 8.14) paint with `MoveTo` and `Clear`.
//!
//! Run: cargo run -p chapter08 -- 8.7

use std::io::Write;

use crossterm::{cursor, queue, terminal};
use shared_util::Ctx;

pub fn save_cursor_position(out: &mut impl Write) -> std::io::Result<()> {
    queue!(out, cursor::SavePosition)
}

pub fn restore_cursor_position(out: &mut impl Write) -> std::io::Result<()> {
    queue!(out, cursor::RestorePosition)
}

pub fn move_to_top_of_screen(out: &mut impl Write) -> std::io::Result<()> {
    queue!(out, cursor::MoveTo(0, 0))
}

pub fn delete_line(out: &mut impl Write) -> std::io::Result<()> {
    queue!(out, terminal::Clear(terminal::ClearType::CurrentLine))
}

/// Erase the line and go back to its first column.
pub fn clear_line(out: &mut impl Write) -> std::io::Result<()> {
    queue!(
        out,
        terminal::Clear(terminal::ClearType::CurrentLine),
        cursor::MoveToColumn(0)
    )
}

pub fn move_back_one_char(out: &mut impl Write) -> std::io::Result<()> {
    queue!(out, cursor::MoveLeft(1))
}

/// Go to the bottom row of a screen `rows` high; returns `rows`.
pub fn move_to_bottom_of_screen(out: &mut impl Write, rows: u16) -> std::io::Result<u16> {
    queue!(out, cursor::MoveTo(0, rows.saturating_sub(1)))?;
    Ok(rows)
}

/// The bytes a helper writes, with ESC spelt out.
fn visible(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace('\x1b', "ESC ")
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    type Helper = fn(&mut Vec<u8>) -> std::io::Result<()>;
    let helpers: [(&str, Helper); 7] = [
        ("save_cursor_position", |out| save_cursor_position(out)),
        ("restore_cursor_position", |out| {
            restore_cursor_position(out)
        }),
        ("move_to_top_of_screen", |out| move_to_top_of_screen(out)),
        ("delete_line", |out| delete_line(out)),
        ("clear_line", |out| clear_line(out)),
        ("move_back_one_char", |out| move_back_one_char(out)),
        ("move_to_bottom_of_screen", |out| {
            move_to_bottom_of_screen(out, 24).map(drop)
        }),
    ];
    println!("what each helper writes (a 24-row screen for the last one):");
    for (name, helper) in helpers {
        let mut bytes = Vec::new();
        helper(&mut bytes)?;
        println!("  {name:<26} {}", visible(&bytes));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_helpers_write_the_standard_sequences() {
        let mut out = Vec::new();
        save_cursor_position(&mut out).unwrap();
        delete_line(&mut out).unwrap();
        move_back_one_char(&mut out).unwrap();
        restore_cursor_position(&mut out).unwrap();
        assert_eq!(out, b"\x1b7\x1b[2K\x1b[1D\x1b8");
    }
}
