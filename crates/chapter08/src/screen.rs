//! The input line and the screen layout of the full-screen apps (8.10,
//! 8.11, 8.14).
//!
//! The book moves the cursor with 8.7's escape codes (save, move to the
//! top, delete a line) so messages print above the line being typed. We
//! keep the edited line in a `LineEditor` and compute the whole frame —
//! message rows on top, the input row at the bottom, the cursor column —
//! as plain strings; `terminal::draw` then paints it with crossterm's
//! `MoveTo` and `Clear`, and the layout is tested without a terminal.

use crate::keys::Key;
use crate::l09_message_store::MessageStore;

/// What a key did to the line.
#[derive(Debug, PartialEq, Eq)]
pub enum Edit {
    Changed,
    /// Enter: the finished line (the editor is empty again).
    Submitted(String),
    Quit,
}

/// The line being typed.
#[derive(Debug, Default)]
pub struct LineEditor {
    line: String,
}

impl LineEditor {
    pub fn apply(&mut self, key: Key) -> Edit {
        match key {
            Key::Char(c) => self.line.push(c),
            Key::Backspace => {
                self.line.pop();
            }
            Key::Enter => return Edit::Submitted(std::mem::take(&mut self.line)),
            Key::Interrupt => return Edit::Quit,
            Key::EndOfInput if self.line.is_empty() => return Edit::Quit,
            Key::EndOfInput => {}
        }
        Edit::Changed
    }

    pub fn line(&self) -> &str {
        &self.line
    }
}

/// The rows of a `width`×`height` screen and the cursor's column: the
/// newest messages fill the rows above, the prompt and line the bottom row.
pub fn frame(
    store: &MessageStore,
    prompt: &str,
    editor: &LineEditor,
    width: u16,
    height: u16,
) -> (Vec<String>, u16) {
    let width = usize::from(width.max(1));
    let message_rows = usize::from(height.max(2)) - 1;
    let clip = |text: &str| text.chars().take(width).collect::<String>();
    let mut rows: Vec<String> = store.last(message_rows).map(clip).collect();
    rows.resize(message_rows, String::new());
    // A line wider than the screen shows its end, where the typing is.
    let input = format!("{prompt}{}", editor.line());
    let overflow = input.chars().count().saturating_sub(width - 1);
    let visible: String = input.chars().skip(overflow).collect();
    let cursor = u16::try_from(visible.chars().count()).unwrap_or(u16::MAX);
    rows.push(visible);
    (rows, cursor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyDecoder;

    fn type_keys(editor: &mut LineEditor, bytes: &[u8]) -> Vec<Edit> {
        KeyDecoder::default()
            .feed(bytes)
            .into_iter()
            .map(|key| editor.apply(key))
            .collect()
    }

    #[test]
    fn typing_backspace_and_enter() {
        let mut editor = LineEditor::default();
        let edits = type_keys(&mut editor, b"12\x7f3\r");
        assert_eq!(edits.last(), Some(&Edit::Submitted("13".into())));
        assert_eq!(editor.line(), "");
        type_keys(&mut editor, b"\x7f\x7fx");
        assert_eq!(
            editor.line(),
            "x",
            "backspace on an empty line does nothing"
        );
    }

    #[test]
    fn ctrl_c_quits_and_ctrl_d_quits_only_on_an_empty_line() {
        let mut editor = LineEditor::default();
        assert_eq!(
            type_keys(&mut editor, b"a\x04"),
            [Edit::Changed, Edit::Changed]
        );
        assert_eq!(type_keys(&mut editor, b"\x03"), [Edit::Quit]);
        assert_eq!(LineEditor::default().apply(Key::EndOfInput), Edit::Quit);
    }

    #[test]
    fn the_frame_puts_new_messages_above_the_input_row() {
        let mut store = MessageStore::new(10);
        for n in 1..=4 {
            store.append(format!("message {n}"));
        }
        let mut editor = LineEditor::default();
        type_keys(&mut editor, b"42");
        let (rows, cursor) = frame(&store, "> ", &editor, 20, 3);
        assert_eq!(rows, ["message 3", "message 4", "> 42"]);
        assert_eq!(cursor, 4);
    }

    #[test]
    fn a_short_store_leaves_blank_rows_and_long_text_is_clipped() {
        let mut store = MessageStore::new(10);
        store.append("a very long message indeed");
        let mut editor = LineEditor::default();
        type_keys(&mut editor, b"abcdefghij");
        let (rows, cursor) = frame(&store, "> ", &editor, 8, 4);
        assert_eq!(rows, ["a very l", "", "", "defghij"]);
        assert_eq!(cursor, 7);
    }
}
