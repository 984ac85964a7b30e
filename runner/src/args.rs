//! The command tree every chapter binary shares, owned by clap.
//!
//! `chapterNN [ID] [RUN FLAGS]` runs one listing; the subcommands `list`,
//! `all`, `walk` and `compare` (and the chapter's tools) each take only the
//! flags that mean something to them, so clap rejects the rest and each
//! `--help` lists exactly its own. The chapter's typed options are added to
//! the commands that run listings (the bare id, `all`, `walk`) when the
//! command is built, and each chapter's help shows its own examples.

use std::path::PathBuf;

use clap::{Args, CommandFactory as _, Parser, Subcommand, ValueEnum};
use shared_util::ctx::Flavor;
use shared_util::flags::{Flag, ListingFlags, whole_number};

use crate::chapter::Chapter;
use crate::help;

/// Command-line options of every chapter binary.
#[derive(Debug, Parser)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The listing to run: `2.9`, `9` or `2_9` (`list` shows them all).
    #[arg(value_name = "ID", index = 1)]
    pub id: Option<String>,
    /// Words after the id: refused with a hint (one listing at a time).
    #[arg(hide = true, num_args = 0.., value_name = "MORE", index = 2)]
    pub more: Vec<String>,
    /// Print the listing's source before running it.
    #[arg(long)]
    pub source: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List the chapter's listings: id, runtime, clock, title.
    List(ListArgs),
    /// Run every listing of the chapter in order (servers in demo mode).
    All(AllArgs),
    /// Classroom mode: show a listing's source, run it on Enter, move on.
    Walk(WalkArgs),
    /// Time listings side by side, each run a child process.
    Compare(CompareArgs),
}

/// `list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Print JSON, for tools.
    #[arg(long)]
    pub json: bool,
}

/// `all`.
#[derive(Debug, Args)]
pub(crate) struct AllArgs {
    #[command(flatten)]
    pub run: RunArgs,
}

/// `walk`.
#[derive(Debug, Args)]
pub(crate) struct WalkArgs {
    /// The listing to start from (default: the first).
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Do not wait for Enter between listings (for scripts).
    #[arg(long)]
    pub no_pause: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// `compare`.
#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// A named comparison (`--list` shows them), or two or more listing ids,
    /// each with its own flags in quotes: "2.19 --runtime multi-thread".
    #[arg(value_name = "NAME | IDS")]
    pub specs: Vec<String>,
    /// Flags given to every compared listing (to the load, for a set of
    /// servers).
    #[arg(last = true, value_name = "LISTING FLAGS")]
    pub pass: Vec<String>,
    /// Measured runs of each listing.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub runs: u64,
    /// Unmeasured warm-up runs of each listing first.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(0..=1000))]
    pub warmup: u64,
    /// Print every sample and summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print the table as Markdown.
    #[arg(long, conflicts_with = "json")]
    pub markdown: bool,
    /// Write the bar chart as an SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// With a named comparison: add its Python counterparts as rows.
    #[arg(long)]
    pub python: bool,
    /// List the chapter's named comparisons (`--json`: for tools such as
    /// scripts/bench.sh).
    #[arg(long, conflicts_with_all = ["specs", "python", "markdown", "svg"])]
    pub list: bool,
}

/// The runtime flavour, as a flag value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Runtime {
    /// One thread, like asyncio's event loop.
    CurrentThread,
    /// A pool of worker threads.
    MultiThread,
}

impl From<Runtime> for Flavor {
    fn from(runtime: Runtime) -> Self {
        match runtime {
            Runtime::CurrentThread => Flavor::CurrentThread,
            Runtime::MultiThread => Flavor::MultiThread,
        }
    }
}

/// The flags of a listing run: the runtime, what to show, and the listing
/// options every chapter shares.
#[derive(Debug, Clone, Args)]
pub(crate) struct RunArgs {
    /// Runtime flavour; default: the listing's own (usually current-thread).
    #[arg(long, value_enum, value_name = "FLAVOR", help_heading = "Runtime")]
    pub runtime: Option<Runtime>,
    /// Worker threads of the multi-thread runtime (implies multi-thread).
    #[arg(long, value_name = "N", help_heading = "Runtime", allow_negative_numbers = true,
          value_parser = whole_number::<u16>(1, Some(1024)))]
    pub workers: Option<u16>,
    /// Run timer-only listings on a paused clock: sleeps end at once, printed
    /// times stay exact.
    #[arg(long, help_heading = "Runtime")]
    pub virtual_time: bool,
    /// Draw a timeline of the timed spans after the listing.
    #[arg(long, help_heading = "Showing")]
    pub timeline: bool,
    /// Write the timeline as an SVG file.
    #[arg(long, value_name = "FILE", help_heading = "Showing")]
    pub timeline_svg: Option<PathBuf>,
    /// Debug mode: warn about polls that hold the thread too long.
    #[arg(long, help_heading = "Showing")]
    pub debug: bool,
    /// Slow-poll threshold in milliseconds (implies --debug) [default: 100].
    #[arg(long, value_name = "MS", help_heading = "Showing", allow_negative_numbers = true,
          value_parser = whole_number::<u64>(1, None))]
    pub slow_poll_ms: Option<u64>,
    /// Show the run's tasks in tokio-console (needs a build with
    /// `--features console`).
    #[arg(long, help_heading = "Showing")]
    pub console: bool,
    /// The port for --console (implies --console) [default: a free one].
    #[arg(long, value_name = "PORT", help_heading = "Showing",
          value_parser = whole_number::<u16>(1, None))]
    pub console_port: Option<u16>,
    /// The listing options every chapter shares, typed.
    #[command(flatten)]
    pub flags: ListingFlags,
}

/// The whole command tree for `chapter`: the runner's flags, the chapter's
/// options where listings run, its tools as subcommands, and help whose
/// examples are this chapter's own.
pub(crate) fn command(chapter: &Chapter) -> clap::Command {
    let heading = format!("Options of chapter {}", chapter.number);
    let options = chapter.options;
    let add_options = move |command: clap::Command| {
        if options.any {
            let command = command.next_help_heading(heading.clone());
            augment_keeping_about(command, options.augment).next_help_heading(None::<&str>)
        } else {
            command
        }
    };
    let crate_name = chapter.crate_name();
    let mut command = add_options(Cli::command())
        .name(crate_name.clone())
        .bin_name(format!("cargo run -p {crate_name} --"))
        .about(format!(
            "Chapter {} of Python Concurrency with asyncio, in Rust on Tokio: {}",
            chapter.number, chapter.title
        ))
        .after_help(help::examples(chapter))
        .mut_arg("id", |arg| arg.help(help::id_help(chapter)))
        .mut_subcommand("all", &add_options)
        .mut_subcommand("walk", &add_options)
        .mut_subcommand("compare", |c| c.after_help(help::compare_examples(chapter)));
    // The shared listing flags none of this chapter's listings reads are
    // left out of its help (given anyway, the run says who reads them).
    let read = chapter.flags();
    for flag in Flag::ALL.into_iter().filter(|flag| !read.has(*flag)) {
        let hide = |arg: clap::Arg| arg.hide(true);
        command = command
            .mut_arg(flag.id(), hide)
            .mut_subcommand("all", |c| c.mut_arg(flag.id(), hide))
            .mut_subcommand("walk", |c| c.mut_arg(flag.id(), hide));
    }
    for tool in chapter.tools {
        let sub = clap::Command::new(tool.name).about(tool.about);
        command = command.subcommand(augment_keeping_about(sub, tool.augment));
    }
    command
}

/// Adds a derived struct's flags to `command`. `augment_args` also sets
/// the command's about from the struct's doc comment; the command keeps
/// its own.
fn augment_keeping_about(
    command: clap::Command,
    augment: fn(clap::Command) -> clap::Command,
) -> clap::Command {
    let about = command.get_about().cloned();
    let long_about = command.get_long_about().cloned();
    let mut command = augment(command);
    if let Some(about) = about {
        command = command.about(about);
    }
    if let Some(long_about) = long_about {
        command = command.long_about(long_about);
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }
}
