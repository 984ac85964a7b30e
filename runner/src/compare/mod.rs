//! `compare`: listings side by side, timed in child processes.
//!
//! `cargo run --release -p chapter07 -- compare 7.16 7.17 --runs 5` runs
//! each listing as a child process (this binary again, with the listing id
//! and any flags given after `--`), output discarded, alternating A B A B
//! so that drift in the machine's load hits every listing alike. Each run
//! records wall time (measured here), CPU time (user + system, the child's
//! own and its children's) and peak resident memory (both reported by the
//! child itself through the file named in [`STATS_ENV`]). The table gives
//! per listing the median, minimum and maximum wall time, the median CPU
//! time, the largest peak memory, and the ratio to the first listing: the
//! median of the per-round ratios, so both sides of each ratio ran under
//! the same conditions.
//!
//! A set of servers (a [`Set`] with a `load`) is timed differently: each
//! run starts the server, reads its address from its `listening on
//! ADDRESS` line, runs the load command of this binary against it and
//! stops the server with SIGTERM. The time is what the load reports for
//! its measured phase (through [`WORK_ENV`], with the work it did, so the
//! table also gives a rate); CPU and peak memory are the server's, read
//! from `/proc` while it runs.

mod child;
mod exec;
mod list;
mod pin;
mod plan;
mod python;
mod render;
mod scaling;
mod serve;
mod stats;
mod svg;

pub use child::{CHILD_ENV, STATS_ENV, WORK_ENV, end_with_compare, report_work, write_own_stats};
pub use plan::{Plan, Row};
pub use stats::{Results, Sample, Summary};

use shared_util::demo::broker::DemoRedis;
use shared_util::demo::database::DemoDatabase;
use shared_util::demo::server::{DemoConfig, DemoServer};

use crate::args::CompareArgs;
pub use crate::chapter::Set;
use crate::chapter::{Chapter, Kind};
use crate::error::Failure;

/// `compare`: runs the rows the arguments name and prints the table.
pub(crate) fn command(chapter: &Chapter, cli: &CompareArgs) -> Result<(), Failure> {
    if cli.list {
        match cli.json {
            true => println!("{}", list::sets_json(chapter)),
            false => list::print_sets(chapter),
        }
        return Ok(());
    }
    let set = match cli.specs.as_slice() {
        [name] => chapter.sets.iter().find(|s| s.name == name.as_str()),
        _ => None,
    };
    // A scaling set grows with this machine: each entry (and Python spec)
    // once per thread count, each pinned to that many CPUs.
    let grown = set.and_then(|set| set.scaling.map(|scaling| grow(set, &scaling)));
    let (specs, flags): (Vec<String>, Vec<String>) = match (set, &grown) {
        (Some(set), Some(grown)) => (
            grown.rust.iter().map(|(spec, _, _)| spec.clone()).collect(),
            set.flags.iter().map(|f| (*f).to_owned()).collect(),
        ),
        (Some(set), None) => (
            set.entries.iter().map(|e| (*e).to_owned()).collect(),
            set.flags.iter().map(|f| (*f).to_owned()).collect(),
        ),
        (None, _) => (cli.specs.clone(), Vec::new()),
    };
    let serving = set.is_some_and(|set| !set.load.is_empty());
    // A set of servers gives the flags after `--` to its load, not to them.
    let (flags, load) = match set {
        Some(set) if serving => {
            let load: Vec<String> = set.load.iter().map(|a| (*a).to_owned()).collect();
            (flags, plan::merge_flags(&load, &cli.pass))
        }
        _ => (plan::merge_flags(&flags, &cli.pass), Vec::new()),
    };
    let exe = std::env::current_exe().map_err(|e| {
        Failure::Listing(anyhow::Error::new(e).context("could not find this program to re-run it"))
    })?;
    // Rows from another chapter's binary run only when it has been built.
    let specs: Vec<String> = specs
        .into_iter()
        .filter(|spec| match plan::foreign(spec) {
            Some((program, _)) if !plan::sibling(&exe, program).exists() => {
                eprintln!(
                    "note: skipping {spec}: {program} is not built beside this binary; `cargo build {}-p {program}` adds it",
                    if cfg!(debug_assertions) { "" } else { "--release " }
                );
                false
            }
            _ => true,
        })
        .collect();
    if specs.len() < 2 && grown.is_none() {
        let names: Vec<&str> = chapter.sets.iter().map(|s| s.name).collect();
        return Err(Failure::Usage(format!(
            "compare takes a named comparison ({}) or two or more listing ids, e.g. `cargo run --release -p {} -- compare {} {}`",
            if names.is_empty() {
                "this chapter has none".to_owned()
            } else {
                names.join(", ")
            },
            chapter.crate_name(),
            chapter.listings.first().map_or("A", |l| l.id),
            chapter.listings.get(1).map_or("B", |l| l.id),
        )));
    }
    let mut listings = plan::resolve(chapter, &exe, &specs).map_err(|id| {
        let mut message = crate::ids::unknown(chapter, &id, &[]);
        if !chapter.sets.is_empty() {
            let names: Vec<&str> = chapter.sets.iter().map(|s| s.name).collect();
            message.push_str(&format!("\nnamed comparisons: {}", names.join(" ")));
        }
        Failure::Usage(message)
    })?;
    // A server given --demo (by its spec, or by the flags every row gets)
    // runs a scripted client and ends by itself: it times like any listing.
    let demo_for_all = flags.iter().any(|f| f == "--demo");
    let ids_ok = specs
        .iter()
        .filter_map(|spec| {
            let mut words = spec.split_whitespace();
            let listing = words.next().and_then(|id| chapter.find(id))?;
            let demo = demo_for_all || words.any(|w| w == "--demo");
            Some((listing, demo))
        })
        .all(|(l, demo)| match (serving, l.kind) {
            (true, kind) => kind == Kind::Server,
            (false, Kind::Plain) => true,
            (false, Kind::Server) => demo,
            (false, _) => false,
        });
    if !ids_ok {
        let server_sets: Vec<&str> = chapter
            .sets
            .iter()
            .filter(|s| !s.load.is_empty())
            .map(|s| s.name)
            .collect();
        return Err(Failure::Usage(if serving {
            "a set of servers can only hold servers".into()
        } else if server_sets.is_empty() {
            "compare runs listings that end by themselves; servers (unless given --demo) and interactive listings cannot be timed this way".into()
        } else {
            format!(
                "compare times listings that end by themselves; servers are timed under a load by a named set: compare {}",
                server_sets.join(" / ")
            )
        }));
    }
    if cli.python
        && !serving
        && let Some(set) = set
        && let Some(flag) = cli
            .pass
            .iter()
            .find(|f| f.starts_with("--") && !set.python_flags.contains(&f.as_str()))
    {
        return Err(Failure::Usage(format!(
            "with --python, flags after `--` must mean the same on both sides; {flag} would change the Rust side only{}",
            if set.python_flags.is_empty() {
                " (this set's Python rows take none)".to_owned()
            } else {
                format!(" (both sides take: {})", set.python_flags.join(" "))
            }
        )));
    }
    if cli.python && set.is_none() {
        return Err(Failure::Usage(
            "--python goes with a named comparison (see `compare --list`)".into(),
        ));
    }
    // Fail on an unwritable chart path now, not after minutes of runs.
    if let Some(path) = &cli.svg {
        std::fs::write(path, "")
            .map_err(|e| Failure::Usage(format!("could not write {}: {e}", path.display())))?;
    }
    // The set's Python specs: a scaling set's grow with the threads.
    let python_specs: Vec<&str> = match (set, &grown) {
        (Some(_), Some(grown)) => grown
            .python
            .iter()
            .map(|(spec, _, _)| spec.as_str())
            .collect(),
        (Some(set), None) => set.python.to_vec(),
        (None, _) => Vec::new(),
    };
    let python = match set {
        Some(set) if cli.python && python_specs.is_empty() => {
            eprintln!("note: the set '{}' has no Python counterpart yet", set.name);
            None
        }
        Some(set) if cli.python => match python::python_interpreter(&python_specs) {
            Some(python) => Some((set, python)),
            None => {
                eprintln!("note: python3 is not installed; comparing the Rust side only");
                None
            }
        },
        _ => None,
    };
    // One demo server for every row that asks for `{demo}` (the set's
    // flags, its Python rows), so all of them meet the same server and
    // no row pays for a server of its own. Kept alive until the end.
    let wants_demo = flags.iter().any(|f| f.contains("{demo}"))
        || python
            .as_ref()
            .is_some_and(|_| python_specs.iter().any(|p| p.contains("{demo}")));
    let mut demo_server = None;
    let mut flags = flags;
    let demo_url = if wants_demo {
        let latency = plan::latency_in(&flags);
        let server = DemoServer::start_with(DemoConfig {
            port: 0,
            latency,
            log: false,
        })
        .map_err(Failure::Listing)?;
        let url = format!("{}/", server.url());
        demo_server = Some(server);
        for flag in &mut flags {
            *flag = flag.replace("{demo}", &url);
        }
        Some(url)
    } else {
        None
    };
    // Likewise one demo database for every row that asks for `{database}`,
    // loaded with the book's products before the first run, so no row
    // times the loading. A `--database-url` after `--` replaces it.
    let wants_database = flags.iter().any(|f| f.contains("{database}"));
    let mut demo_database = None;
    let database_url = if wants_database {
        let database = DemoDatabase::start().map_err(Failure::Listing)?;
        let url = database.url().clone();
        shared_util::demo::products::prepare_blocking(
            &url,
            shared_util::demo::products::Stage::Products,
            shared_util::demo::products::DEFAULT_SEED,
        )
        .map_err(|e| Failure::Listing(e.context("could not load the demo database")))?;
        demo_database = Some(database);
        for flag in &mut flags {
            *flag = flag.replace("{database}", url.as_str());
        }
        Some(url.as_str().to_owned())
    } else {
        None
    };
    // And one demo broker (a throwaway redis-server) for the Python rows
    // that ask for `{redis}`; the Rust listings start their own.
    let wants_redis = python.is_some() && python_specs.iter().any(|p| p.contains("{redis}"));
    let demo_redis = if wants_redis {
        Some(DemoRedis::start().map_err(Failure::Listing)?)
    } else {
        None
    };
    let has_python = python.is_some();
    if let Some(grown) = &grown {
        for (row, (_, family, threads)) in listings.iter_mut().zip(&grown.rust) {
            row.family = family.clone();
            row.threads = Some(*threads);
            row.pin = grown.pin(*threads);
        }
    }
    if let Some((_, python)) = python {
        let fill = python::Fill {
            demo: demo_url.as_deref(),
            database: database_url.as_deref(),
            redis: demo_redis.as_ref().map(DemoRedis::url),
        };
        let mut rows = python::python_rows(&python, &python_specs, &fill);
        if let Some(grown) = &grown {
            for (row, (_, family, threads)) in rows.iter_mut().zip(&grown.python) {
                row.family = family.clone();
                row.threads = Some(*threads);
                row.pin = grown.pin(*threads);
            }
        }
        if !serving {
            // The flags after `--` both sides share (checked above).
            for row in &mut rows {
                let words = plan::merge_flags(&row.args[1..], &cli.pass);
                row.args.truncate(1);
                row.args.extend(words);
            }
        }
        listings.extend(rows);
    }
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build, so the times below are not representative; use `cargo run --release -p {} -- compare ...`",
            chapter.crate_name()
        );
    }
    let plan = Plan {
        listings,
        runs: usize::try_from(cli.runs).unwrap_or(1),
        warmup: usize::try_from(cli.warmup).unwrap_or(0),
        flags,
        python_flags: if serving || !has_python {
            Vec::new()
        } else {
            cli.pass.clone()
        },
        load,
        scaling: grown.is_some(),
    };
    if !cli.json {
        let ids: Vec<String> = plan.listings.iter().map(Row::label).collect();
        eprintln!(
            "comparing {} ({} run(s) each after {} warm-up, alternating order; each run is a child process)",
            ids.join(" vs "),
            plan.runs,
            plan.warmup
        );
        if !plan.flags.is_empty() && !serving {
            eprintln!("the listings run with: {}", plan.flags.join(" "));
        }
        if serving {
            eprintln!(
                "each server is started, loaded with `{}` and stopped; its time is the load's own",
                plan.load.join(" ").replace("{addr}", "ADDRESS")
            );
            match pin::pinning() {
                Some(_) if grown.is_some() => eprintln!(
                    "each server runs on as many CPUs as it has threads, from the first; the load on the second half (taskset)"
                ),
                Some(pin) => eprintln!(
                    "the server runs on CPU {} and the load on CPU(s) {} (taskset), so the load does not take the server's core",
                    pin.server, pin.load
                ),
                None => eprintln!(
                    "note: server and load share the CPUs (pinning them apart needs two CPUs and taskset)"
                ),
            }
        }
    }
    let results = exec::run(&exe, &plan).map_err(|e| {
        if let Some(path) = &cli.svg {
            let _ = std::fs::remove_file(path); // the empty file written above
        }
        Failure::Listing(e.context("compare stopped"))
    })?;
    if cli.json {
        println!("{}", results.render_json(&plan));
    } else if plan.scaling {
        print!("{}", scaling::render(&results, cli.markdown));
    } else if cli.markdown {
        print!("{}", results.render_markdown(&plan));
    } else {
        print!("{}", results.render_text(&plan));
    }
    if let Some(path) = &cli.svg {
        std::fs::write(path, results.render_svg())
            .map_err(|e| Failure::Usage(format!("could not write {}: {e}", path.display())))?;
        eprintln!("chart written to {}", path.display());
    }
    if let Some(after) = set.and_then(|set| set.after)
        && !cli.json
    {
        let lines = after(&exe).map_err(|e| Failure::Listing(e.context("compare stopped")))?;
        println!();
        for line in lines {
            println!("{line}");
        }
    }
    drop(demo_server);
    drop(demo_database);
    drop(demo_redis);
    Ok(())
}

/// A scaling set as it grows on this machine: the rows with their
/// families and thread counts, and the CPUs they may use.
struct Grown {
    rust: Vec<scaling::Grown>,
    python: Vec<scaling::Grown>,
    allowed: Vec<usize>,
    share: crate::chapter::Share,
    pinned: bool,
}

impl Grown {
    /// Where a row of `threads` threads runs (`None` without taskset).
    fn pin(&self, threads: usize) -> Option<pin::Pin> {
        self.pinned
            .then(|| pin::pin(&self.allowed, self.share, threads))
    }
}

/// Grows `set` to this machine's CPUs, saying so when it has too few to
/// show much.
fn grow(set: &Set, how: &crate::chapter::Scaling) -> Grown {
    let allowed = pin::allowed_cpus();
    let counts = scaling::counts(allowed.len(), how.share);
    if allowed.len() < 4 {
        eprintln!(
            "note: this machine lets compare use {} CPU(s), so '{}' can show {} thread(s) at most; the curve needs a machine with more cores",
            allowed.len(),
            set.name,
            counts.last().copied().unwrap_or(1)
        );
    }
    let (rust, python) = scaling::expand(set.entries, how, &counts);
    if how.share == crate::chapter::Share::Half && pin::pinning().is_some() {
        // compare itself, and what it starts for every row (the demo
        // database or server), stay on the load's half: the servers'
        // CPUs are theirs alone.
        let half = allowed.len() / 2;
        pin::keep_to(&allowed[half..]);
    }
    Grown {
        rust,
        python,
        pinned: pin::pinning().is_some(),
        allowed,
        share: how.share,
    }
}
