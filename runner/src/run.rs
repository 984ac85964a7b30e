//! Running one listing: the [`Ctx`] from the flags, a fresh runtime of the
//! right flavour, debug mode and the timeline around it.
//!
//! Each listing runs on a fresh runtime built here, current-thread unless
//! the listing declares otherwise: asyncio is a single-threaded event loop,
//! and the book's stories (a CPU-bound task blocks everything) depend on it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use shared_util::Ctx;
use shared_util::ctx::{Flavor, UsageError};
use shared_util::{debug, signals, timeline};

use crate::args::RunArgs;
use crate::chapter::{Chapter, Entry, Listing};
use crate::error::Failure;
use crate::source;
use shared_util::flags::ListingFlags;

/// How a listing is being run: alone, or as part of `all`/`walk`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `chapterNN ID`: a usage error stops the run.
    Single,
    /// One of many: a listing that cannot honour a flag says so and runs.
    Sequence,
}

/// The `Ctx` the flags describe, or the usage error in them that clap
/// cannot see (combinations of values).
pub(crate) fn build_ctx(args: &RunArgs) -> Result<Ctx, Failure> {
    if let Some(path) = &args.timeline_svg {
        // Refuse a path that cannot be written now, not after the listing.
        let existed = path.exists();
        let probe = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path);
        if let Err(e) = probe {
            return Err(Failure::Usage(format!(
                "cannot write the timeline to {}: {e}; give --timeline-svg a path in a folder you can write to",
                path.display()
            )));
        }
        if !existed {
            let _ = std::fs::remove_file(path);
        }
    }
    let runtime = args.runtime.map(Flavor::from);
    if args.workers.is_some() && runtime == Some(Flavor::CurrentThread) {
        return Err(Failure::Usage(
            "--workers sets the multi-thread runtime's pool; it cannot go with --runtime current-thread".into(),
        ));
    }
    if args.virtual_time && (runtime == Some(Flavor::MultiThread) || args.workers.is_some()) {
        return Err(Failure::Usage(
            "--virtual-time pauses the clock of a current-thread runtime; drop --runtime multi-thread/--workers or --virtual-time".into(),
        ));
    }
    let mut ctx = Ctx::default();
    ctx.flags = args.flags.clone();
    ctx.workers = args.workers.map(usize::from);
    Ok(ctx)
}

/// Refuses a shared flag the run would ignore: one `listing` does not
/// read, or (for `all` and `walk`, `listing` is `None`) that no listing of
/// the chapter reads. The message names the listings that do read it.
pub(crate) fn refuse_unread_flags(
    chapter: &Chapter,
    listing: Option<&Listing>,
    flags: &ListingFlags,
) -> Result<(), Failure> {
    for flag in flags.given() {
        let readers = chapter.taking(flag);
        let refused = match listing {
            Some(listing) if !listing.flags.has(flag) => {
                format!("listing {} does not read {}", listing.id, flag.long())
            }
            None if readers.is_empty() => {
                format!(
                    "no listing of chapter {} reads {}",
                    chapter.number,
                    flag.long()
                )
            }
            _ => continue,
        };
        let others = match readers.as_slice() {
            [] => format!("no listing of chapter {} reads it", chapter.number),
            [one] => format!("listing {one} does"),
            many => format!("listings {} do", many.join(", ")),
        };
        let hint = match listing {
            Some(_) if !readers.is_empty() => {
                format!("{others}: leave it out, or run one of those")
            }
            _ => format!("{others}: leave it out"),
        };
        return Err(Failure::Usage(format!("{refused} ({hint})")));
    }
    Ok(())
}

/// Why `--virtual-time` cannot pause this listing's clock, if it cannot.
fn no_virtual_time(listing: &Listing, flavor: Flavor) -> Option<String> {
    if matches!(listing.entry, Entry::Sync(_)) {
        Some(
            "it drives its own threads or runtime, which the runner's paused clock does not reach"
                .to_owned(),
        )
    } else if !listing.timers_only {
        Some("it does CPU or I/O work, which a paused clock cannot time".to_owned())
    } else if flavor != Flavor::CurrentThread {
        Some(format!(
            "it runs on the {} runtime, and only a current-thread runtime can pause its clock",
            flavor.name()
        ))
    } else {
        None
    }
}

/// Runs `listing` with `args` on `ctx`; `source` prints its code first.
pub(crate) fn run_listing(
    listing: &Listing,
    args: &RunArgs,
    show_source: bool,
    ctx: &mut Ctx,
    mode: Mode,
) -> Result<(), Failure> {
    let flavor = match (args.runtime, args.workers) {
        (Some(runtime), _) => runtime.into(),
        (None, Some(_)) => Flavor::MultiThread,
        (None, None) => listing.flavor,
    };
    let mut paused = args.virtual_time;
    if args.virtual_time
        && let Some(why) = no_virtual_time(listing, flavor)
    {
        if mode == Mode::Single {
            return Err(Failure::Usage(format!(
                "listing {} cannot run with --virtual-time: {why}; run it without --virtual-time",
                listing.id
            )));
        }
        println!("(real clock: {why})");
        paused = false;
    }
    if show_source && mode == Mode::Single {
        print!(
            "{}",
            source::render(listing.source, source::colour_wanted())
        );
        println!();
    }

    debug::disable();
    if args.debug || args.slow_poll_ms.is_some() {
        // Measure how fast this machine counts now, outside the listing:
        // done inside its first poll, the measurement itself would be
        // reported as a slow poll of the listing.
        shared_util::cpu::counts_per_second();
        debug::enable();
        if let Some(ms) = args.slow_poll_ms {
            debug::set_slow_poll_threshold(Duration::from_millis(ms));
        }
    }
    ctx.virtual_time = paused;
    ctx.flavor = flavor;
    if let Some(server) = ctx.local_server() {
        server.reset_stats();
        // A listing may have given it a default latency of its own (12.4).
        server.set_latency(ctx.flags.latency().unwrap_or_default());
    }

    let outcome = match listing.entry {
        Entry::Sync(run) => {
            timeline::reset();
            run(ctx)
        }
        Entry::Async(run) => run_async(listing, run, flavor, paused, ctx)?,
    };
    // Its signal handling ends with it: Ctrl-C gets its default action back.
    signals::end_of_listing();

    if args.timeline || args.timeline_svg.is_some() {
        let (origin, spans) = timeline::snapshot();
        if args.timeline {
            println!();
            print!("{}", timeline::render_text(origin, &spans));
        }
        if let Some(path) = &args.timeline_svg {
            let path = match mode {
                Mode::Single => path.clone(),
                Mode::Sequence => with_id(path, listing.id),
            };
            std::fs::write(&path, timeline::render_svg(origin, &spans)).map_err(|e| {
                Failure::Usage(format!(
                    "could not write the timeline to {}: {e}",
                    path.display()
                ))
            })?;
            println!("timeline written to {}", path.display());
        }
    }
    outcome.map_err(|e| match e.downcast::<UsageError>() {
        Ok(UsageError(message)) => Failure::Usage(format!("listing {}: {message}", listing.id)),
        Err(e) => Failure::Listing(e.context(format!("listing {} failed", listing.id))),
    })
}

/// Builds the runtime and blocks on the listing's future.
fn run_async(
    listing: &Listing,
    run: crate::chapter::AsyncEntry,
    flavor: Flavor,
    paused: bool,
    ctx: &Ctx,
) -> Result<anyhow::Result<()>, Failure> {
    let mut builder = match flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        Flavor::MultiThread => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            if let Some(workers) = ctx.workers {
                builder.worker_threads(workers);
            }
            builder
        }
    };
    builder.enable_all().start_paused(paused);
    let runtime = builder.build().map_err(|e| {
        Failure::Listing(anyhow::Error::new(e).context("could not build the runtime"))
    })?;
    // In debug mode the listing's own future is watched too, so a blocking
    // call made directly in `run` is reported.
    let watched = debug::watch(format!("listing {}", listing.id), run(ctx));
    let result = runtime.block_on(async move {
        timeline::reset();
        watched.await
    });
    // Tasks still running when `run` returns are dropped here, like
    // asyncio.run cancelling what is left; blocking threads get a bound.
    runtime.shutdown_timeout(Duration::from_secs(2));
    Ok(result)
}

/// `slides.svg` + `2.9` → `slides-2.9.svg`.
fn with_id(path: &Path, id: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("timeline");
    let ext = path.extension().and_then(|s| s.to_str()).unwrap_or("svg");
    path.with_file_name(format!("{stem}-{id}.{ext}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_files_of_a_sequence_carry_the_id() {
        assert_eq!(
            with_id(Path::new("out/slides.svg"), "2.9"),
            Path::new("out/slides-2.9.svg")
        );
    }
}
