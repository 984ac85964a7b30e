//! Showing a listing's own source: `walk` and `<id> --source`.
//!
//! The source is embedded in the binary with `include_str!` by the
//! [`listing!`](crate::listing) macro, so what is shown is always the code
//! that runs. On a terminal it is lightly syntax-highlighted (keywords,
//! strings, comments, numbers, macros); `NO_COLOR` or a pipe turns that off.

use std::io::IsTerminal as _;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "type", "unsafe", "use",
    "where", "while",
];

const RESET: &str = "\x1b[0m";
const COMMENT: &str = "\x1b[2;32m";
const DOC: &str = "\x1b[32m";
const STRING: &str = "\x1b[33m";
const KEYWORD: &str = "\x1b[1;35m";
const NUMBER: &str = "\x1b[36m";
const MACRO: &str = "\x1b[1;34m";
const ATTRIBUTE: &str = "\x1b[2;36m";

/// Whether stdout is a terminal that wants colour.
pub fn colour_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Returns `source` with line numbers, highlighted when `colour` is true.
pub fn render(source: &str, colour: bool) -> String {
    let mut out = String::with_capacity(source.len() * 2);
    for (number, line) in source.lines().enumerate() {
        out.push_str(&format!("{:>3} │ ", number + 1));
        if colour {
            highlight_line(line, &mut out);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// A deliberately small Rust highlighter: a line at a time, no nesting.
fn highlight_line(line: &str, out: &mut String) {
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..].iter().collect();
        if rest.starts_with("//") {
            let colour = if rest.starts_with("//!") || rest.starts_with("///") {
                DOC
            } else {
                COMMENT
            };
            paint(out, colour, &rest);
            return;
        }
        if rest.starts_with("#[") || rest.starts_with("#![") {
            let end = rest.find(']').map_or(rest.len(), |e| e + 1);
            paint(out, ATTRIBUTE, &rest[..end]);
            i += rest[..end].chars().count();
            continue;
        }
        if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            let end = (j + 1).min(chars.len());
            paint(out, STRING, &chars[i..end].iter().collect::<String>());
            i = end;
            continue;
        }
        if c.is_ascii_digit() && (i == 0 || !is_ident(chars[i - 1])) {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_alphanumeric() || chars[j] == '_' || chars[j] == '.')
            {
                // Stop at a method call on a number: `1.max(2)`.
                if chars[j] == '.' && !chars.get(j + 1).is_some_and(char::is_ascii_digit) {
                    break;
                }
                j += 1;
            }
            paint(out, NUMBER, &chars[i..j].iter().collect::<String>());
            i = j;
            continue;
        }
        if is_ident(c) && !c.is_ascii_digit() {
            let mut j = i;
            while j < chars.len() && is_ident(chars[j]) {
                j += 1;
            }
            let word: String = chars[i..j].iter().collect();
            if chars.get(j) == Some(&'!') {
                paint(out, MACRO, &format!("{word}!"));
                i = j + 1;
            } else {
                if KEYWORDS.contains(&word.as_str()) {
                    paint(out, KEYWORD, &word);
                } else {
                    out.push_str(&word);
                }
                i = j;
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn paint(out: &mut String, colour: &str, text: &str) {
    out.push_str(colour);
    out.push_str(text);
    out.push_str(RESET);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_rendering_numbers_lines() {
        assert_eq!(render("fn main() {}\n", false), "  1 │ fn main() {}\n");
    }

    #[test]
    fn highlighting_keeps_the_text() {
        let line = r#"    let x = format!("a \" b", 42); // note"#;
        let mut out = String::new();
        highlight_line(line, &mut out);
        assert!(out.contains(KEYWORD) && out.contains(STRING) && out.contains(COMMENT));
        // Removing the colour codes gives the line back.
        let mut plain = String::new();
        let mut skipping = false;
        for c in out.chars() {
            match (skipping, c) {
                (_, '\x1b') => skipping = true,
                (true, 'm') => skipping = false,
                (true, _) => {}
                (false, c) => plain.push(c),
            }
        }
        assert_eq!(plain, line);
    }
}
