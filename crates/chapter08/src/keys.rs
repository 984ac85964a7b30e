//! Keys from raw terminal bytes: what a terminal in raw mode sends when a
//! person types. Shared by the listings that read the keyboard (8.8, 8.10,
//! 8.11, 8.14). Plain code over bytes, so it is tested without a terminal.

/// A key press the apps care about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Backspace,
    Enter,
    /// Ctrl-C: raw mode turns off the terminal's SIGINT, so it arrives as a byte.
    Interrupt,
    /// Ctrl-D.
    EndOfInput,
}

/// Turns bytes into keys; keeps a partial UTF-8 character or escape
/// sequence (arrow keys and the like, which the apps ignore) between calls.
#[derive(Debug, Default)]
pub struct KeyDecoder {
    utf8: Vec<u8>,
    in_escape: bool,
    in_csi: bool,
}

impl KeyDecoder {
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Key> {
        let mut keys = Vec::new();
        for &byte in bytes {
            if self.in_csi {
                // CSI parameters end with a byte in 0x40..=0x7e.
                self.in_csi = !(0x40..=0x7e).contains(&byte);
                continue;
            }
            if self.in_escape {
                self.in_escape = false;
                self.in_csi = byte == b'[';
                continue; // ESC x (Alt-x, SS3 'O') is dropped with its byte
            }
            match byte {
                0x1b => self.in_escape = true,
                b'\r' | b'\n' => keys.push(Key::Enter),
                0x7f | 0x08 => keys.push(Key::Backspace),
                0x03 => keys.push(Key::Interrupt),
                0x04 => keys.push(Key::EndOfInput),
                0x00..=0x1f => {} // other control keys: ignored
                _ => {
                    self.utf8.push(byte);
                    match std::str::from_utf8(&self.utf8) {
                        Ok(text) => {
                            keys.extend(text.chars().map(Key::Char));
                            self.utf8.clear();
                        }
                        // Wait for the rest of a multi-byte character; drop junk.
                        Err(e) if e.error_len().is_none() && self.utf8.len() < 4 => {}
                        Err(_) => self.utf8.clear(),
                    }
                }
            }
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_enter_backspace_and_ctrl_c() {
        let keys = KeyDecoder::default().feed(b"ab\x7f\r\x03");
        assert_eq!(
            keys,
            [
                Key::Char('a'),
                Key::Char('b'),
                Key::Backspace,
                Key::Enter,
                Key::Interrupt
            ]
        );
    }

    #[test]
    fn arrow_keys_are_skipped_even_when_split() {
        let mut decoder = KeyDecoder::default();
        assert!(decoder.feed(b"\x1b").is_empty());
        assert!(decoder.feed(b"[1;").is_empty());
        assert_eq!(decoder.feed(b"Ax"), [Key::Char('x')]);
    }

    #[test]
    fn a_multi_byte_character_split_across_reads() {
        let mut decoder = KeyDecoder::default();
        let bytes = "é".as_bytes();
        assert!(decoder.feed(&bytes[..1]).is_empty());
        assert_eq!(decoder.feed(&bytes[1..]), [Key::Char('é')]);
    }
}
