//! Execution: every run of a plan as a child process, with one progress
//! bar over them all. A server's run is in `serve.rs`; the child's side of
//! the plumbing in `child.rs`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::child::{CHILD_ENV, STATS_ENV, WORK_ENV, read_work};
use super::plan::{Plan, Row};
use super::serve::{run_server_once, why_it_failed};
use super::stats::{Results, Sample};

/// Runs the plan with the binary at `exe`; on a failed run, an error
/// naming the listing and the run.
///
/// One progress bar counts every run, warm-up and measured, on stderr and
/// only on a terminal, and names the row running now. The bar is cleared
/// before this returns, so an error, or the table, is printed on a clean
/// line.
pub fn run(exe: &Path, plan: &Plan) -> anyhow::Result<Results> {
    let stats_dir = std::env::temp_dir().join(format!("rct-compare-{}", std::process::id()));
    std::fs::create_dir_all(&stats_dir)?;
    let bar = shared_util::progress::bar(total_runs(plan), "runs");
    // Keeps the elapsed time moving during a long run.
    bar.enable_steady_tick(Duration::from_millis(250));
    let progress = Progress {
        starting: &|row: &Row| bar.set_message(row.label()),
        ran: &|| bar.inc(1),
    };
    let result = run_in(exe, plan, &stats_dir, &progress);
    bar.finish_and_clear();
    let _ = std::fs::remove_dir_all(&stats_dir);
    result
}

/// How many child runs the plan makes: warm-up and measured, every row.
fn total_runs(plan: &Plan) -> u64 {
    u64::try_from((plan.warmup + plan.runs) * plan.listings.len()).unwrap_or(u64::MAX)
}

/// What the runs report as they go.
struct Progress<'a> {
    /// Called before each run with its row.
    starting: &'a dyn Fn(&Row),
    /// Called after each run that succeeded.
    ran: &'a dyn Fn(),
}

/// The runs themselves, reporting to `progress`.
fn run_in(
    exe: &Path,
    plan: &Plan,
    stats_dir: &Path,
    progress: &Progress<'_>,
) -> anyhow::Result<Results> {
    let mut unit = None;
    let mut measure = |exe: &Path, entry: &Row, flags: &[String], dir: &Path| {
        (progress.starting)(entry);
        let (sample, counted) = if plan.load.is_empty() {
            run_once(entry, flags, dir)?
        } else {
            run_server_once(exe, entry, flags, &plan.load, dir)?
        };
        unit = unit.take().or(counted);
        (progress.ran)();
        anyhow::Ok(sample)
    };
    for round in 0..plan.warmup {
        for entry in &plan.listings {
            measure(exe, entry, &plan.flags, stats_dir).map_err(|e| {
                e.context(format!(
                    "warm-up run {} of listing {}",
                    round + 1,
                    entry.label()
                ))
            })?;
        }
    }
    let mut rows: Vec<(Row, Vec<Sample>)> = plan
        .listings
        .iter()
        .map(|e| (e.clone(), Vec::new()))
        .collect();
    for round in 0..plan.runs {
        // Alternate the order each round too: A B, B A, ...
        let order: Vec<usize> = if round % 2 == 0 {
            (0..rows.len()).collect()
        } else {
            (0..rows.len()).rev().collect()
        };
        for index in order {
            let entry = rows[index].0.clone();
            let sample = measure(exe, &entry, &plan.flags, stats_dir).map_err(|e| {
                e.context(format!("run {} of listing {}", round + 1, entry.label()))
            })?;
            rows[index].1.push(sample);
        }
    }
    Ok(Results { rows, unit })
}

/// One run of a listing that ends by itself. A listing that counts its
/// own work (`report_work`) is timed by its measured phase and rated by
/// it, as a server is by its load; the unit comes back with the sample.
fn run_once(
    entry: &Row,
    flags: &[String],
    stats_dir: &Path,
) -> anyhow::Result<(Sample, Option<String>)> {
    let stats_file: PathBuf = stats_dir.join("stats");
    let work_file: PathBuf = stats_dir.join("work");
    let _ = std::fs::remove_file(&stats_file);
    let _ = std::fs::remove_file(&work_file);
    let start = Instant::now();
    let mut command =
        super::pin::command(&entry.program, entry.pin.as_ref().map(|p| p.cpus.as_str()));
    command.args(entry.command_args(flags));
    let output = command
        .env(STATS_ENV, &stats_file)
        .env(WORK_ENV, &work_file)
        .env(CHILD_ENV, "1")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| anyhow::anyhow!("could not start {}: {e}", entry.program.display()))?;
    let wall = start.elapsed();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = why_it_failed(&stderr);
        let hint = if stderr.contains("ModuleNotFoundError") {
            " (run scripts/python/setup.sh for the Python packages)"
        } else {
            ""
        };
        anyhow::bail!("it exited with {}: {last}{hint}", output.status);
    }
    let (cpu, peak_rss) = std::fs::read_to_string(&stats_file)
        .ok()
        .and_then(|text| {
            let mut parts = text.split_whitespace();
            let cpu = parts.next()?.parse::<u64>().ok()?;
            let rss = parts.next()?.parse::<u64>().ok()?;
            Some((Duration::from_micros(cpu), rss))
        })
        .unwrap_or((Duration::ZERO, 0));
    Ok(match read_work(&work_file) {
        Some((work, elapsed, unit, p99)) => (
            Sample {
                wall: elapsed,
                cpu,
                peak_rss,
                work,
                p99,
            },
            Some(unit),
        ),
        None => (
            Sample {
                wall,
                cpu,
                peak_rss,
                work: 0,
                p99: None,
            },
            None,
        ),
    })
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// A plan whose rows run `true` or `false` from the PATH.
    fn plan(programs: &[&str], warmup: usize, runs: usize) -> Plan {
        let listings = programs
            .iter()
            .map(|program| Row {
                label: (*program).to_owned(),
                title: String::new(),
                program: (*program).into(),
                args: Vec::new(),
                takes_flags: false,
                ..Row::default()
            })
            .collect();
        Plan {
            listings,
            runs,
            warmup,
            flags: Vec::new(),
            python_flags: Vec::new(),
            load: Vec::new(),
            scaling: false,
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rct-exec-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn the_bar_counts_every_run_warm_up_included() {
        let plan = plan(&["true", "true"], 1, 3);
        assert_eq!(total_runs(&plan), 8);
        let dir = scratch("count");
        let ran = Cell::new(0);
        let results = run_in(
            Path::new("true"),
            &plan,
            &dir,
            &Progress {
                starting: &|_| {},
                ran: &|| ran.set(ran.get() + 1),
            },
        );
        let _ = std::fs::remove_dir_all(&dir);
        let results = results.expect("true succeeds");
        assert_eq!(ran.get(), 8);
        assert!(results.rows.iter().all(|(_, samples)| samples.len() == 3));
    }

    #[test]
    fn a_failed_run_stops_the_count_and_names_its_row() {
        let plan = plan(&["true", "false"], 0, 2);
        let dir = scratch("fail");
        let ran = Cell::new(0);
        let result = run_in(
            Path::new("true"),
            &plan,
            &dir,
            &Progress {
                starting: &|_| {},
                ran: &|| ran.set(ran.get() + 1),
            },
        );
        let _ = std::fs::remove_dir_all(&dir);
        let error = format!("{:#}", result.expect_err("false fails"));
        assert!(
            error.starts_with("run 1 of listing false: it exited with"),
            "{error}"
        );
        assert_eq!(ran.get(), 1);
    }
}
