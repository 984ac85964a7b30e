//! `all` and `walk`: every listing of a chapter, one after another.

use std::io::{BufRead as _, Write as _};

use shared_util::{Ctx, signals};

use crate::args::RunArgs;
use crate::chapter::{Chapter, Kind};
use crate::error::{Failure, error_chain};
use crate::run::{Mode, run_listing};
use crate::source;

/// `all`: every listing in order, servers in demo mode, interactive ones
/// skipped; a failed listing is reported and the run goes on.
pub(crate) fn run_all(chapter: &Chapter, args: &RunArgs, ctx: &mut Ctx) -> Result<(), Failure> {
    ctx.flags.demo = true;
    let _ = signals::take_user_signal();
    let mut failed = Vec::new();
    let mut ran = 0;
    for listing in chapter.listings {
        println!("\n=== Listing {} — {} ===", listing.id, listing.title);
        if listing.kind == Kind::Interactive {
            println!(
                "(interactive: skipped here; run it alone with `cargo run -p {} -- {}`)",
                chapter.crate_name(),
                listing.id
            );
            continue;
        }
        ran += 1;
        // A Ctrl-C that ends the run says where it stopped.
        let _note = signals::note_on_signal(format!(
            "`all` stopped in listing {} ({ran} of {} listing(s) of chapter {} started)",
            listing.id,
            chapter.listings.len(),
            chapter.number
        ));
        match run_listing(listing, args, false, ctx, Mode::Sequence) {
            Ok(()) => {}
            Err(Failure::Listing(error)) => {
                println!("error: {}", error_chain(&error));
                failed.push(listing.id);
            }
            Err(usage) => return Err(usage),
        }
        stop_if_interrupted(listing.id)?;
    }
    println!(
        "\nran {ran} listing(s) of chapter {}: {} ok, {} failed{}",
        chapter.number,
        ran - failed.len(),
        failed.len(),
        if failed.is_empty() {
            String::new()
        } else {
            format!(" ({})", failed.join(", "))
        }
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::Listing(anyhow::anyhow!(
            "{} listing(s) failed: {}",
            failed.len(),
            failed.join(", ")
        )))
    }
}

/// `walk [ID]`: the classroom mode. Shows a listing's source, runs it when
/// asked, moves on. On a terminal one key is enough: Enter or space goes
/// on, `r` runs the listing again, `b` goes back a listing, `q` quits.
/// Off a terminal (a pipe, a script) it reads lines: an empty line goes on,
/// `r`, `b` and `q` do the same as the keys, and the end of input quits.
pub(crate) fn walk(
    chapter: &Chapter,
    start: Option<&str>,
    pause: bool,
    args: &RunArgs,
    ctx: &mut Ctx,
) -> Result<(), Failure> {
    let mut index = match start {
        Some(id) => chapter
            .listings
            .iter()
            .position(|l| chapter.find(id).is_some_and(|found| found.id == l.id))
            .ok_or_else(|| Failure::Usage(crate::ids::unknown(chapter, id, &[])))?,
        None => 0,
    };
    let colour = source::colour_wanted();
    let input = Input::of_stdin();
    let listings = chapter.listings;
    'listings: while let Some(listing) = listings.get(index) {
        println!(
            "\n━━━ Listing {} — {} ━━━  ({})\n",
            listing.id,
            listing.title,
            chapter.file_of(listing)
        );
        print!("{}", source::render(listing.source, colour));
        if pause {
            match input.ask(&format!("[Enter] run {}   [b] back   [q] quit", listing.id))? {
                Step::Quit => return Ok(()),
                Step::Back => {
                    index = index.saturating_sub(1);
                    continue 'listings;
                }
                Step::Go | Step::Again => {}
            }
        }
        loop {
            if listing.kind == Kind::Interactive && !pause {
                println!("(interactive: skipped without a person at the keyboard)");
            } else {
                println!("\n── output of {} ──", listing.id);
                match run_listing(listing, args, false, ctx, Mode::Sequence) {
                    Ok(()) => {}
                    Err(Failure::Listing(error)) => println!("error: {}", error_chain(&error)),
                    Err(usage) => return Err(usage),
                }
                stop_if_interrupted(listing.id)?;
            }
            if !pause {
                break;
            }
            let next = match listings.get(index + 1) {
                Some(next) => format!("next: listing {}", next.id),
                None => format!("end of chapter {}", chapter.number),
            };
            match input.ask(&format!(
                "[Enter] {next}   [r] run {} again   [b] back   [q] quit",
                listing.id
            ))? {
                Step::Go => break,
                Step::Again => {}
                Step::Back => {
                    index = index.saturating_sub(1);
                    continue 'listings;
                }
                Step::Quit => return Ok(()),
            }
        }
        index += 1;
    }
    println!("\nend of chapter {}.", chapter.number);
    Ok(())
}

/// What the person at the keyboard asked for at a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Enter or space: run the listing, or go on to the next.
    Go,
    /// `r`: run the listing again.
    Again,
    /// `b`: back to the listing before.
    Back,
    /// `q`, Esc, or the end of input.
    Quit,
}

impl Step {
    /// A line typed at a prompt (off a terminal).
    fn of_line(line: &str) -> Self {
        match line.trim().to_ascii_lowercase().as_str() {
            "q" => Step::Quit,
            "r" => Step::Again,
            "b" => Step::Back,
            _ => Step::Go,
        }
    }
}

/// How `walk` reads its answers: single keys on a terminal, lines elsewhere.
#[derive(Debug, Clone, Copy)]
enum Input {
    Keys,
    Lines,
}

impl Input {
    fn of_stdin() -> Self {
        use std::io::IsTerminal as _;
        if std::io::stdin().is_terminal() {
            Input::Keys
        } else {
            Input::Lines
        }
    }

    /// Shows `text` and waits for an answer. Ctrl-C on a terminal (which
    /// raw mode delivers as a key) stops the run as the signal would.
    fn ask(self, text: &str) -> Result<Step, Failure> {
        print!("\n{text} ");
        let _ = std::io::stdout().flush();
        match self {
            Input::Lines => {
                let mut line = String::new();
                match std::io::stdin().lock().read_line(&mut line) {
                    Ok(0) | Err(_) => {
                        println!();
                        Ok(Step::Quit)
                    }
                    Ok(_) => Ok(Step::of_line(&line)),
                }
            }
            Input::Keys => {
                let key = read_key();
                println!();
                key
            }
        }
    }
}

/// Reads keys in raw mode until one means something; the terminal is back
/// in its normal mode before this returns, however it returns.
fn read_key() -> Result<Step, Failure> {
    use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

    /// Leaves raw mode when dropped.
    struct Raw;
    impl Drop for Raw {
        fn drop(&mut self) {
            let _ = crossterm::terminal::disable_raw_mode();
        }
    }

    if crossterm::terminal::enable_raw_mode().is_err() {
        // Not a terminal after all: fall back to a line.
        return Input::Lines.ask("");
    }
    let _raw = Raw;
    loop {
        let Ok(event) = event::read() else {
            return Ok(Step::Quit);
        };
        let Event::Key(key) = event else { continue };
        if key.kind != KeyEventKind::Press {
            continue;
        }
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        return Ok(match key.code {
            KeyCode::Char('c') if control => {
                return Err(Failure::Interrupted(nix::sys::signal::Signal::SIGINT));
            }
            KeyCode::Char('d') if control => Step::Quit,
            KeyCode::Enter | KeyCode::Char(' ') => Step::Go,
            KeyCode::Char('r' | 'R') => Step::Again,
            KeyCode::Char('b' | 'B') => Step::Back,
            KeyCode::Char('q' | 'Q') | KeyCode::Esc => Step::Quit,
            _ => continue,
        });
    }
}

/// A listing that handles Ctrl-C (a graceful server, one that kills its
/// children) ends normally when it gets one; the person who pressed it
/// still wants the whole run to stop. Listings that do not handle it are
/// ended by the signal's default action, and the run with them.
fn stop_if_interrupted(id: &str) -> Result<(), Failure> {
    match signals::take_user_signal() {
        Some(signal) => {
            println!("\n(listing {id} handled {signal}; stopping here)");
            Err(Failure::Interrupted(signal))
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::Step;

    #[test]
    fn a_line_means_what_its_key_means() {
        assert_eq!(Step::of_line("\n"), Step::Go);
        assert_eq!(Step::of_line("anything\n"), Step::Go);
        assert_eq!(Step::of_line("q\n"), Step::Quit);
        assert_eq!(Step::of_line(" Q \n"), Step::Quit);
        assert_eq!(Step::of_line("r\n"), Step::Again);
        assert_eq!(Step::of_line("b\n"), Step::Back);
    }
}
