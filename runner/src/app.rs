//! The whole of a chapter binary: parse the command line, do what it says,
//! turn the outcome into an exit code.

use std::process::ExitCode;

use clap::FromArgMatches as _;
use shared_util::ctx::WORKER_ARG;

use crate::args::{self, Cli, Command};
use crate::chapter::Chapter;
use crate::error::{Failure, error_chain};
use crate::run::{Mode, build_ctx, refuse_unread_flags, run_listing};
use crate::{compare, console, ids, list, sequence};

/// Runs a chapter binary: `fn main() -> ExitCode { runner::main(&CHAPTER) }`.
///
/// Exit codes: 0 on success, 1 when a listing fails (the error chain is
/// printed), 2 for a usage error such as an unknown id or a bad flag.
pub fn main(chapter: &'static Chapter) -> ExitCode {
    restore_signals();
    compare::end_with_compare();
    let raw: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if raw.get(1).and_then(|a| a.to_str()) == Some(WORKER_ARG) {
        let rest: Vec<String> = raw[2..]
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        return run_worker(chapter, &rest);
    }
    // A run killed with SIGKILL (or a whole process group killed) leaves
    // its demo database's directory behind: whichever chapter starts next
    // removes it (and stops a server still running there).
    shared_util::demo::database::remove_stale(&std::env::temp_dir());
    shared_util::demo::broker::remove_stale(&std::env::temp_dir());
    let mut command = args::command(chapter);
    // Help and version exit 0, usage errors exit 2.
    let matches = command
        .try_get_matches_from_mut(raw.clone())
        .unwrap_or_else(|e| {
            if let Some(message) = misplaced_flag(&command, &e, &raw) {
                eprintln!("error: {message}");
                std::process::exit(2);
            }
            e.exit()
        });
    if let Some((name, sub)) = matches.subcommand()
        && let Some(tool) = chapter.tools.iter().find(|t| t.name == name)
    {
        return (tool.run)(sub);
    }
    let parsed = Cli::from_arg_matches(&matches).and_then(|cli| {
        let options_from = match matches.subcommand() {
            Some(("all" | "walk", sub)) => sub,
            _ => &matches,
        };
        (chapter.options.parse)(options_from).map(|options| (cli, options))
    });
    let (cli, options) = parsed.unwrap_or_else(|e| e.format(&mut command).exit());
    let outcome = dispatch(chapter, cli, options);
    compare::write_own_stats();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Listing(error)) => {
            eprintln!("error: {}", error_chain(&error));
            ExitCode::from(1)
        }
        Err(Failure::Interrupted(signal)) => {
            eprintln!("interrupted by {signal}: the run stops here");
            ExitCode::from(128 + signal as u8)
        }
    }
}

type SharedOptions = std::sync::Arc<dyn std::any::Any + Send + Sync>;

fn dispatch(chapter: &'static Chapter, cli: Cli, options: SharedOptions) -> Result<(), Failure> {
    let ctx_for = |run: &args::RunArgs| -> Result<shared_util::Ctx, Failure> {
        let mut ctx = build_ctx(run)?;
        ctx.set_shared_options(std::sync::Arc::clone(&options));
        Ok(ctx)
    };
    match cli.command {
        Some(Command::List(list)) => {
            if list.json {
                println!("{}", list::list_json(chapter));
            } else {
                list::print_list(chapter);
            }
            Ok(())
        }
        Some(Command::All(all)) => {
            refuse_unread_flags(chapter, None, &all.run.flags)?;
            let mut ctx = ctx_for(&all.run)?;
            with_console(chapter, &all.run, || {
                sequence::run_all(chapter, &all.run, &mut ctx)
            })
        }
        Some(Command::Walk(walk)) => {
            refuse_unread_flags(chapter, None, &walk.run.flags)?;
            let mut ctx = ctx_for(&walk.run)?;
            with_console(chapter, &walk.run, || {
                sequence::walk(
                    chapter,
                    walk.id.as_deref(),
                    !walk.no_pause,
                    &walk.run,
                    &mut ctx,
                )
            })
        }
        Some(Command::Compare(args)) => compare::command(chapter, &args),
        None => match cli.id {
            None => {
                list::print_list(chapter);
                println!(
                    "\nRun one with `cargo run -p {} -- {}`, or `-- --help` for every option.",
                    chapter.crate_name(),
                    chapter.listings.first().map_or("<id>", |l| l.id)
                );
                Ok(())
            }
            Some(id) => {
                if let Some(more) = cli.more.first() {
                    return Err(Failure::Usage(format!(
                        "unexpected argument '{more}': a run takes one listing id; `all` runs every listing, `walk {id}` goes on from {id}, `compare {id} {more}` times them side by side"
                    )));
                }
                let found = chapter.find(&id);
                if let Some(listing) = found {
                    note_alias(listing, &id);
                }
                let listing = found.ok_or_else(|| {
                    Failure::Usage(ids::unknown(chapter, &id, &subcommands(chapter)))
                })?;
                refuse_unread_flags(chapter, Some(listing), &cli.run.flags)?;
                let mut ctx = ctx_for(&cli.run)?;
                with_console(chapter, &cli.run, || {
                    run_listing(listing, &cli.run, cli.source, &mut ctx, Mode::Single)
                })
            }
        },
    }
}

/// Runs `run` under `--console` when `args` ask for it: the console's
/// server starts (and is announced) first, and stays up after a run that
/// got as far as running something, until Enter.
fn with_console(
    chapter: &Chapter,
    args: &args::RunArgs,
    run: impl FnOnce() -> Result<(), Failure>,
) -> Result<(), Failure> {
    let console = console::start(chapter, args)?;
    let outcome = run();
    if let Some(console) = console
        && !matches!(outcome, Err(Failure::Usage(_)))
    {
        console.linger();
    }
    outcome
}

/// Says on stderr when `id` ran as part of a listing that covers several
/// of the book's (`7.14` runs 7.13, which covers 7.13–7.15).
fn note_alias(listing: &crate::chapter::Listing, id: &str) {
    if let Some(last) = listing.through
        && !ids::same(id, listing.id, chapter_of(listing))
    {
        eprintln!(
            "note: listing {} covers the book's {}–{last}; running it for {id}",
            listing.id, listing.id
        );
    }
}

/// The chapter number in a listing's id (`7` for `7.13`).
fn chapter_of(listing: &crate::chapter::Listing) -> u32 {
    listing
        .id
        .split_once('.')
        .and_then(|(major, _)| major.parse().ok())
        .unwrap_or(0)
}

/// The words that are commands rather than ids, for "did you mean".
fn subcommands(chapter: &Chapter) -> Vec<&'static str> {
    let mut names = vec!["list", "all", "walk", "compare"];
    names.extend(chapter.tools.iter().map(|t| t.name));
    names
}

/// Gives SIGPIPE and SIGINT their default actions.
///
/// Rust ignores SIGPIPE, so writing to a closed pipe returns an error and
/// `println!` panics on it; with the default action `chapter02 list | head`
/// ends quietly, as `cat` or `ls` would. SIGINT may arrive ignored: a shell
/// without job control starts background commands that way, and children
/// inherit it. Listings teach what Ctrl-C does (and tests send SIGINT), so
/// every run starts from the default: Ctrl-C ends the process unless a
/// listing handles it.
#[allow(unsafe_code)]
fn restore_signals() {
    use nix::sys::signal::{SigHandler, Signal, signal};
    for sig in [Signal::SIGPIPE, Signal::SIGINT] {
        // Safety: called first thing in `main`, before any other thread
        // exists, and SIG_DFL installs no Rust code as a handler.
        let _ = unsafe { signal(sig, SigHandler::SigDfl) };
    }
}

/// Runs the worker named in `args` (the words after `__worker`).
fn run_worker(chapter: &Chapter, args: &[String]) -> ExitCode {
    let Some((name, rest)) = args.split_first() else {
        eprintln!("error: {WORKER_ARG} needs a worker name");
        return ExitCode::from(2);
    };
    let Some(worker) = chapter.workers.iter().find(|w| w.name == name) else {
        let names: Vec<&str> = chapter.workers.iter().map(|w| w.name).collect();
        eprintln!(
            "error: {} has no worker '{name}' (workers: {})",
            chapter.crate_name(),
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        );
        return ExitCode::from(2);
    };
    match (worker.run)(rest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: worker {name}: {}", error_chain(&error));
            ExitCode::from(1)
        }
    }
}

/// For a flag clap does not know where it was given but another command
/// takes, says where it belongs and how the command would read there:
/// "`--no-pause` belongs to `walk`: `cargo run -p chapter02 -- walk 2.9
/// --no-pause`". `None` for a flag no command takes (clap's own error
/// stands, with its suggestion).
fn misplaced_flag(
    command: &clap::Command,
    error: &clap::Error,
    raw: &[std::ffi::OsString],
) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if error.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(given)) = error.get(ContextKind::InvalidArg) else {
        return None;
    };
    let long = given.split('=').next()?.strip_prefix("--")?;
    let words: Vec<String> = raw
        .iter()
        .skip(1)
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    let names: Vec<&str> = command
        .get_subcommands()
        .map(clap::Command::get_name)
        .collect();
    let used = words
        .iter()
        .find(|w| !w.starts_with('-'))
        .filter(|w| names.contains(&w.as_str()))
        .cloned();
    let takes = |c: &clap::Command| c.get_arguments().any(|a| a.get_long() == Some(long));
    let owner = command
        .get_subcommands()
        .filter(|sub| Some(sub.get_name()) != used.as_deref())
        .find(|sub| takes(sub))
        .map(|sub| sub.get_name().to_owned());
    let rest: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| Some(*w) != used.as_deref())
        .collect();
    let bin = command.get_bin_name().unwrap_or("chapter");
    if used.is_some() && takes(command) {
        // A listing run's flag, given to a subcommand that takes none.
        return Some(format!(
            "`--{long}` belongs to a listing run (and `all`, `walk`): `{bin} ID {}` (`list` shows the ids)",
            rest.join(" ")
        ));
    }
    owner.map(|owner| {
        format!(
            "`--{long}` belongs to `{owner}`: `{bin} {owner} {}`",
            rest.join(" ")
        )
    })
}
