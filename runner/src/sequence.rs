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
    ctx.demo = true;
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

/// `walk [ID]`: the classroom mode. Shows a listing's source, runs it on
/// Enter, moves on; `q` or the end of input stops.
pub(crate) fn walk(
    chapter: &Chapter,
    start: Option<&str>,
    pause: bool,
    args: &RunArgs,
    ctx: &mut Ctx,
) -> Result<(), Failure> {
    let start = match start {
        Some(id) => chapter
            .listings
            .iter()
            .position(|l| chapter.find(id).is_some_and(|found| found.id == l.id))
            .ok_or_else(|| Failure::Usage(crate::ids::unknown(chapter, id, &[])))?,
        None => 0,
    };
    let colour = source::colour_wanted();
    let listings = &chapter.listings[start..];
    for (index, listing) in listings.iter().enumerate() {
        println!(
            "\n━━━ Listing {} — {} ━━━  ({})\n",
            listing.id,
            listing.title,
            chapter.file_of(listing)
        );
        print!("{}", source::render(listing.source, colour));
        if pause && !prompt(&format!("[Enter] run {}   [q] quit", listing.id)) {
            return Ok(());
        }
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
        if let Some(next) = listings.get(index + 1)
            && pause
            && !prompt(&format!("[Enter] next: listing {}   [q] quit", next.id))
        {
            return Ok(());
        }
    }
    println!("\nend of chapter {}.", chapter.number);
    Ok(())
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

/// Shows `text` and waits for a line; false on `q` or end of input.
fn prompt(text: &str) -> bool {
    print!("\n{text} ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => {
            println!();
            false
        }
        Ok(_) => !line.trim().eq_ignore_ascii_case("q"),
    }
}
