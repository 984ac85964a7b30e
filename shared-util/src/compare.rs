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

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli::{Chapter, Listing};
/// The environment variable naming the file a child writes its
/// statistics to when it ends: `cpu_micros peak_rss_bytes`.
pub const STATS_ENV: &str = "RCT_COMPARE_STATS";

/// The environment variable naming the file a load tool writes the work
/// it did to: `count elapsed_micros unit` (see [`report_work`]).
pub const WORK_ENV: &str = "RCT_COMPARE_WORK";

/// Called by a load tool when its measured phase ends: if [`WORK_ENV`] is
/// set, record how many units of work (`round-trips`) it did and how long
/// they took, for `compare` to time and rate a server by.
pub fn report_work(count: u64, unit: &str, elapsed: Duration) {
    if let Some(path) = std::env::var_os(WORK_ENV) {
        let _ = std::fs::write(path, format!("{count} {} {unit}\n", elapsed.as_micros()));
    }
}

/// Set on every child `compare` starts, so a child of this binary knows
/// to end with its parent (see [`end_with_compare`]).
pub const CHILD_ENV: &str = "RCT_COMPARE_CHILD";

/// Called by the runner first thing: in a child `compare` started, ask the
/// kernel for SIGTERM when `compare` dies, so a killed `compare` (SIGKILL,
/// a closed terminal) leaves no server or listing running behind it.
/// Python rows do not do this; Ctrl-C reaches them through the terminal's
/// process group.
pub fn end_with_compare() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        use nix::sys::signal::Signal;
        let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGTERM);
        // compare may have died before the line above ran.
        if nix::unistd::getppid() == nix::unistd::Pid::from_raw(1) {
            std::process::exit(1);
        }
    }
}

/// Called by the runner when a run ends: if [`STATS_ENV`] is set, write
/// this process's CPU time and peak memory there.
pub fn write_own_stats() {
    let Some(path) = std::env::var_os(STATS_ENV) else {
        return;
    };
    let cpu = crate::sys::cpu_time() + crate::sys::children_cpu_time();
    let rss = crate::sys::peak_resident_bytes(std::process::id()).unwrap_or(0);
    let _ = std::fs::write(path, format!("{} {rss}\n", cpu.as_micros()));
}

/// One run of one listing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Wall-clock time from spawn to exit.
    pub wall: Duration,
    /// User + system CPU time of the child and the children it waited for.
    pub cpu: Duration,
    /// Peak resident memory of the child, in bytes (0 if unknown).
    pub peak_rss: u64,
    /// Units of work done in `wall`, when a load tool reported them (0
    /// otherwise).
    pub work: u64,
}

/// One row of a comparison: a program and its arguments, usually this
/// binary running one listing (`2.19 --runtime multi-thread`), or a Python
/// counterpart from `scripts/python` (`python fib.py --threads`).
#[derive(Debug, Clone)]
pub struct Entry {
    /// The row's name in the table.
    pub label: String,
    /// What it is, for the table's title column.
    pub title: String,
    /// The program to run.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Whether the flags given after `--` apply (listing rows: yes; Python
    /// rows take their own).
    pub takes_flags: bool,
}

impl Entry {
    /// The row's name in the table.
    pub fn label(&self) -> String {
        self.label.clone()
    }
}

/// A named comparison a chapter offers: `cargo run --release -p chapter02
/// -- compare runtimes`. Each entry is an id with optional flags.
#[derive(Debug, Clone, Copy)]
pub struct Set {
    /// The word that selects it, e.g. `runtimes`.
    pub name: &'static str,
    /// What it shows, one line for `compare --list`.
    pub about: &'static str,
    /// The rows: `"2.19"`, `"2.19 --runtime multi-thread"`; the first is
    /// the baseline.
    pub entries: &'static [&'static str],
    /// Flags for every row (before any given after `--`).
    pub flags: &'static [&'static str],
    /// Python counterparts, added with `compare --python`: a script in
    /// `scripts/python` and its arguments; `{demo}` stands for the URL of a
    /// demo server `compare` starts (with the set's `--latency-ms`).
    pub python: &'static [&'static str],
    /// Flags after `--` that the Python rows take too, with the same
    /// meaning (`--n` for fib): with `--python`, these go to both sides, and
    /// any other flag after `--` is refused (it would change one side only).
    pub python_flags: &'static [&'static str],
    /// For a set of servers: the command of this binary that loads each
    /// one, `{addr}` standing for the address the server prints (flags
    /// after `--` are added here). Empty for listings that end by
    /// themselves. A row may name another chapter's binary built beside
    /// this one: `chapter07:7.1`.
    pub load: &'static [&'static str],
}

/// What `compare` was asked to do.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The rows, first one is the baseline.
    pub listings: Vec<Entry>,
    /// Measured runs per listing.
    pub runs: usize,
    /// Unmeasured runs per listing before the measured ones.
    pub warmup: usize,
    /// Flags given to every listing (those after `--`).
    pub flags: Vec<String>,
    /// For servers: the load command's arguments (see [`Set::load`]);
    /// empty for listings that end by themselves.
    pub load: Vec<String>,
}

/// The recorded runs of every listing, in plan order.
#[derive(Debug, Clone)]
pub struct Results {
    /// Per row: what ran, and its samples.
    pub rows: Vec<(Entry, Vec<Sample>)>,
    /// What the load counted (`round-trips`), when it reported work.
    pub unit: Option<String>,
}

/// Runs the plan with the binary at `exe`; on a failed run, an error
/// naming the listing and the run.
pub fn run(exe: &Path, plan: &Plan) -> anyhow::Result<Results> {
    let stats_dir = std::env::temp_dir().join(format!("rct-compare-{}", std::process::id()));
    std::fs::create_dir_all(&stats_dir)?;
    let result = run_in(exe, plan, &stats_dir);
    if result.is_err() && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprint!("\r\x1b[2K"); // clear the progress line before the error
    }
    let _ = std::fs::remove_dir_all(&stats_dir);
    result
}

fn run_in(exe: &Path, plan: &Plan, stats_dir: &Path) -> anyhow::Result<Results> {
    let mut unit = None;
    use std::io::IsTerminal as _;
    let total = (plan.warmup + plan.runs) * plan.listings.len();
    let mut done = 0;
    let show = std::io::stderr().is_terminal();
    let mut measure = |exe: &Path, entry: &Entry, flags: &[String], dir: &Path| {
        done += 1;
        if show {
            // One line per run on a terminal, overwritten by the next.
            eprint!("\r\x1b[2Krun {done}/{total}: {}", entry.label());
            if done == total {
                eprint!("\r\x1b[2K");
            }
        }
        if plan.load.is_empty() {
            run_once(exe, entry, flags, dir)
        } else {
            let (sample, counted) = run_server_once(exe, entry, flags, &plan.load, dir)?;
            unit = unit.take().or(counted);
            Ok(sample)
        }
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
    let mut rows: Vec<(Entry, Vec<Sample>)> = plan
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

fn run_once(
    exe: &Path,
    entry: &Entry,
    flags: &[String],
    stats_dir: &Path,
) -> anyhow::Result<Sample> {
    let _ = exe;
    let stats_file: PathBuf = stats_dir.join("stats");
    let _ = std::fs::remove_file(&stats_file);
    let start = Instant::now();
    let mut command = Command::new(&entry.program);
    command.args(&entry.args);
    if entry.takes_flags {
        command.args(flags);
    }
    let output = command
        .env(STATS_ENV, &stats_file)
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
    Ok(Sample {
        wall,
        cpu,
        peak_rss,
        work: 0,
    })
}

/// The line of a failed child's stderr that says why: the first `error`
/// line (clap and our runner start theirs so), else the last non-empty one
/// (a Python traceback ends with the exception).
fn why_it_failed(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .or_else(|| stderr.lines().rev().find(|l| !l.trim().is_empty()))
        .unwrap_or("")
}

/// A server child that is stopped with SIGTERM (then SIGKILL after 5 s)
/// and reaped when dropped, whatever happened to the run.
struct ServerChild(std::process::Child);

impl Drop for ServerChild {
    fn drop(&mut self) {
        use nix::sys::signal::{Signal, kill};
        use nix::unistd::Pid;
        if let Ok(pid) = i32::try_from(self.0.id()) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if !matches!(self.0.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The address in a server's `listening on 127.0.0.1:PORT` line.
pub(crate) fn listening_address(line: &str) -> Option<std::net::SocketAddr> {
    let rest = &line[line.find("listening on ")? + "listening on ".len()..];
    let word = rest.split_whitespace().next()?;
    word.trim_end_matches([',', '.', ';']).parse().ok()
}

/// The last non-empty lines of a file, joined, for an error message.
fn tail_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(2)..].join(" / ")
}

/// One run of a server under the load: start the server, wait for its
/// address, run `exe load...` against it, read the server's CPU time and
/// peak memory, stop it. Returns the sample and the unit of work counted.
fn run_server_once(
    exe: &Path,
    entry: &Entry,
    flags: &[String],
    load: &[String],
    dir: &Path,
) -> anyhow::Result<(Sample, Option<String>)> {
    use std::io::BufRead as _;
    let server_log = dir.join("server-stderr");
    let mut command = Command::new(&entry.program);
    command.args(&entry.args);
    if entry.takes_flags {
        command.args(flags);
    }
    let child = command
        .env("NO_COLOR", "1")
        .env(CHILD_ENV, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&server_log)?)
        .spawn()
        .map_err(|e| anyhow::anyhow!("could not start {}: {e}", entry.program.display()))?;
    let mut server = ServerChild(child);
    let pid = server.0.id();
    let stdout = server.0.stdout.take().expect("stdout is piped");
    let (found, address) = std::sync::mpsc::channel();
    // Reads the address, then keeps draining so the server never blocks
    // on a full pipe; ends when the server exits.
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(address) = listening_address(&line) {
                let _ = found.send(address);
            }
        }
    });
    let address = match address.recv_timeout(Duration::from_secs(20)) {
        Ok(address) => address,
        Err(_) => {
            let why = match server.0.try_wait() {
                Ok(Some(status)) => format!("the server exited with {status}"),
                _ => "the server printed no 'listening on ADDRESS' line in 20 s".to_owned(),
            };
            anyhow::bail!("{why}: {}", tail_of(&server_log));
        }
    };
    let work_file = dir.join("work");
    let _ = std::fs::remove_file(&work_file);
    let cpu_before = crate::sys::cpu_time_of(pid).unwrap_or_default();
    let start = Instant::now();
    let output = Command::new(exe)
        .args(
            load.iter()
                .map(|a| a.replace("{addr}", &address.to_string())),
        )
        .env(WORK_ENV, &work_file)
        .env(CHILD_ENV, "1")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| anyhow::anyhow!("could not start the load ({}): {e}", exe.display()))?;
    let wall = start.elapsed();
    let cpu = crate::sys::cpu_time_of(pid)
        .unwrap_or_default()
        .saturating_sub(cpu_before);
    let peak_rss = crate::sys::peak_resident_bytes(pid).unwrap_or(0);
    if let Ok(Some(status)) = server.0.try_wait() {
        anyhow::bail!(
            "the server exited with {status} during the load: {}",
            tail_of(&server_log)
        );
    }
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stdout);
        let errors: Vec<&str> = said
            .lines()
            .skip_while(|l| !l.starts_with("errors"))
            .take(3)
            .map(str::trim)
            .collect();
        let stderr = String::from_utf8_lossy(&output.stderr);
        anyhow::bail!(
            "the load against it exited with {}: {}",
            output.status,
            if errors.is_empty() {
                why_it_failed(&stderr).to_owned()
            } else {
                errors.join("; ")
            }
        );
    }
    drop(server);
    let reported = std::fs::read_to_string(&work_file).ok().and_then(|text| {
        let mut parts = text.split_whitespace();
        let count = parts.next()?.parse::<u64>().ok()?;
        let micros = parts.next()?.parse::<u64>().ok()?;
        Some((
            count,
            Duration::from_micros(micros),
            parts.next()?.to_owned(),
        ))
    });
    Ok(match reported {
        Some((work, elapsed, unit)) => (
            Sample {
                wall: elapsed,
                cpu,
                peak_rss,
                work,
            },
            Some(unit),
        ),
        None => (
            Sample {
                wall,
                cpu,
                peak_rss,
                work: 0,
            },
            None,
        ),
    })
}

/// Summary numbers of one listing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Median wall time.
    pub median: Duration,
    /// Fastest run.
    pub min: Duration,
    /// Slowest run.
    pub max: Duration,
    /// Median CPU time.
    pub cpu: Duration,
    /// Largest peak memory over the runs.
    pub peak_rss: u64,
    /// Median over rounds of (this listing's wall time / the first's):
    /// below 1 means faster than the first listing.
    pub ratio: f64,
    /// Median work per second, when a load reported its work.
    pub rate: Option<f64>,
}

impl Results {
    /// Summaries in plan order.
    pub fn summaries(&self) -> Vec<Summary> {
        let baseline = &self.rows[0].1;
        self.rows
            .iter()
            .map(|(_, samples)| {
                let walls: Vec<f64> = samples.iter().map(|s| s.wall.as_secs_f64()).collect();
                let cpus: Vec<f64> = samples.iter().map(|s| s.cpu.as_secs_f64()).collect();
                let ratios: Vec<f64> = samples
                    .iter()
                    .zip(baseline)
                    .map(|(s, b)| s.wall.as_secs_f64() / b.wall.as_secs_f64().max(1e-9))
                    .collect();
                Summary {
                    median: Duration::from_secs_f64(median(&walls)),
                    min: Duration::from_secs_f64(
                        walls.iter().copied().fold(f64::INFINITY, f64::min),
                    ),
                    max: Duration::from_secs_f64(walls.iter().copied().fold(0.0, f64::max)),
                    cpu: Duration::from_secs_f64(median(&cpus)),
                    peak_rss: samples.iter().map(|s| s.peak_rss).max().unwrap_or(0),
                    ratio: median(&ratios),
                    rate: {
                        let rates: Vec<f64> = samples
                            .iter()
                            .filter(|s| s.work > 0)
                            .map(|s| s.work as f64 / s.wall.as_secs_f64().max(1e-9))
                            .collect();
                        (!rates.is_empty()).then(|| median(&rates))
                    },
                }
            })
            .collect()
    }

    /// The table, with a bar chart of the medians under it.
    pub fn render_text(&self) -> String {
        let summaries = self.summaries();
        let base = self.rows[0].0.label();
        let title_width = self
            .rows
            .iter()
            .map(|(l, _)| l.title.chars().count().min(44))
            .max()
            .unwrap_or(5);
        let id_width = self
            .rows
            .iter()
            .map(|(l, _)| l.label().len())
            .max()
            .unwrap_or(2)
            .max(7);
        let mut out = String::new();
        let rate_header = self.rate_header();
        let _ = writeln!(
            out,
            "{:<id_width$}  {:<title_width$}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  {rate_header}vs {base}",
            "listing", "title", "median", "min", "max", "cpu", "peak mem"
        );
        for ((listing, _), s) in self.rows.iter().zip(&summaries) {
            let title: String = listing.title.chars().take(44).collect();
            let _ = writeln!(
                out,
                "{:<id_width$}  {title:<title_width$}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  {}{}",
                listing.label(),
                seconds(s.median),
                seconds(s.min),
                seconds(s.max),
                seconds(s.cpu),
                mebibytes(s.peak_rss),
                self.rate_cell(s, rate_header.len()),
                ratio_words(s.ratio),
            );
        }
        out.push('\n');
        let longest = summaries
            .iter()
            .map(|s| s.median)
            .max()
            .unwrap_or_default()
            .as_secs_f64()
            .max(1e-9);
        for ((listing, _), s) in self.rows.iter().zip(&summaries) {
            let cells = ((s.median.as_secs_f64() / longest) * 50.0).round().max(1.0) as usize;
            let _ = writeln!(
                out,
                "{:<id_width$} │{} {}",
                listing.label(),
                "█".repeat(cells),
                seconds(s.median)
            );
        }
        out
    }

    /// `round-trips/s  ` when a load reported work, else nothing.
    fn rate_header(&self) -> String {
        self.unit
            .as_ref()
            .map(|unit| format!("{:>12}  ", format!("{unit}/s")))
            .unwrap_or_default()
    }

    fn rate_cell(&self, s: &Summary, width: usize) -> String {
        if self.unit.is_none() {
            return String::new();
        }
        let rate = s.rate.map_or_else(|| "?".to_owned(), |r| format!("{r:.0}"));
        format!("{rate:>w$}  ", w = width.saturating_sub(2))
    }

    /// The same table in Markdown, for the benchmarks page, with a line
    /// under it naming the flags the rows ran with and the load, if any.
    pub fn render_markdown(&self, plan: &Plan) -> String {
        let base = self.rows[0].0.label();
        let (rate_head, rate_rule) = match &self.unit {
            Some(unit) => (format!(" {unit}/s |"), "---|"),
            None => (String::new(), ""),
        };
        let mut out = format!(
            "| listing | title | median | min | max | cpu | peak mem |{rate_head} vs {base} |\n|---|---|---|---|---|---|---|{rate_rule}---|\n"
        );
        for ((listing, _), s) in self.rows.iter().zip(self.summaries()) {
            let rate = match (&self.unit, s.rate) {
                (None, _) => String::new(),
                (Some(_), Some(rate)) => format!(" {rate:.0} |"),
                (Some(_), None) => " ? |".to_owned(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |{rate} {} |",
                listing.label(),
                listing.title.replace('|', "\\|"),
                seconds(s.median),
                seconds(s.min),
                seconds(s.max),
                seconds(s.cpu),
                mebibytes(s.peak_rss),
                ratio_words(s.ratio)
            );
        }
        if !plan.flags.is_empty() && plan.load.is_empty() {
            let _ = writeln!(out, "\nThe listings ran with `{}`.", plan.flags.join(" "));
        }
        if !plan.load.is_empty() {
            let _ = writeln!(
                out,
                "\nEach server was loaded with `{}`.",
                plan.load.join(" ").replace("{addr}", "ADDRESS")
            );
        }
        out
    }

    /// Every sample and summary as JSON, for tools.
    pub fn render_json(&self, plan: &Plan) -> String {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .zip(self.summaries())
            .map(|((listing, samples), s)| {
                serde_json::json!({
                    "label": listing.label(),
                    "title": listing.title,
                    "median_s": s.median.as_secs_f64(),
                    "min_s": s.min.as_secs_f64(),
                    "max_s": s.max.as_secs_f64(),
                    "cpu_s": s.cpu.as_secs_f64(),
                    "peak_rss_bytes": s.peak_rss,
                    "args": listing.args,
                    "ratio_to_first": s.ratio,
                    "rate_per_s": s.rate,
                    "runs": samples.iter().map(|x| serde_json::json!({
                        "wall_s": x.wall.as_secs_f64(),
                        "cpu_s": x.cpu.as_secs_f64(),
                        "peak_rss_bytes": x.peak_rss,
                        "work": x.work,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({
            "runs": plan.runs,
            "warmup": plan.warmup,
            "flags": plan.flags,
            "load": plan.load,
            "unit": self.unit,
            "release_build": !cfg!(debug_assertions),
            "listings": rows,
        }))
        .expect("JSON values always serialise")
    }

    /// The bar chart of medians as SVG, labels at the left of the bars.
    pub fn render_svg(&self) -> String {
        let summaries = self.summaries();
        let longest = summaries
            .iter()
            .map(|s| s.median)
            .max()
            .unwrap_or_default()
            .as_secs_f64()
            .max(1e-9);
        let label_chars = self
            .rows
            .iter()
            .map(|(l, _)| l.label().chars().count())
            .max()
            .unwrap_or(4);
        // Monospace at 14 px is about 8.4 px a character.
        let left = 20.0 + 8.4 * label_chars as f64;
        let bar_room = 460.0;
        let total = left + bar_room + 300.0;
        let row = 30.0;
        let height = 20.0 + row * summaries.len() as f64 + 10.0;
        let mut svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{total:.0}" height="{height}" font-family="monospace" font-size="14"><rect width="100%" height="100%" fill="white"/>"#
        );
        svg.push('\n');
        for (i, ((listing, _), s)) in self.rows.iter().zip(&summaries).enumerate() {
            let y = 20.0 + row * i as f64;
            let width = s.median.as_secs_f64() / longest * bar_room;
            let rate = match (&self.unit, s.rate) {
                (Some(unit), Some(rate)) => format!(", {rate:.0} {unit}/s"),
                _ => String::new(),
            };
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect x="{left:.1}" y="{:.1}" width="{width:.1}" height="20" fill="#1f4e99"/><text x="{:.1}" y="{:.1}">{} ({}{rate})</text>"##,
                left - 10.0,
                y + 15.0,
                escape_xml(&listing.label()),
                y,
                left + width + 10.0,
                y + 15.0,
                seconds(s.median),
                ratio_words(s.ratio)
            );
        }
        svg.push_str("</svg>\n");
        svg
    }
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn mebibytes(bytes: u64) -> String {
    if bytes == 0 {
        "?".to_owned()
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// `1.00x`, `2.12x faster`, `1.50x slower`.
fn ratio_words(ratio: f64) -> String {
    if (ratio - 1.0).abs() < 0.005 {
        "1.00x".to_owned()
    } else if ratio < 1.0 {
        format!("{:.2}x faster", 1.0 / ratio)
    } else {
        format!("{ratio:.2}x slower")
    }
}

/// A row that runs another chapter's binary: `chapter07:7.1 --flag` gives
/// `("chapter07", "7.1 --flag")`.
pub fn foreign(spec: &str) -> Option<(&str, &str)> {
    let (program, rest) = spec.split_once(':')?;
    (program.starts_with("chapter") && !program.contains(char::is_whitespace))
        .then_some((program, rest))
}

/// Another chapter's binary, built beside this one (same target directory
/// and profile).
pub fn sibling(exe: &Path, program: &str) -> PathBuf {
    exe.with_file_name(format!("{program}{}", std::env::consts::EXE_SUFFIX))
}

/// Turns `"2.19"` or `"2.19 --runtime multi-thread"` specs into rows that
/// run `exe`, or says what is wrong (an unknown id is returned as `Err(id)`).
/// A `chapter07:7.1` spec runs that binary beside `exe`; its title comes
/// from the binary's `list --json`.
pub fn resolve<S: AsRef<str>>(
    chapter: &Chapter,
    exe: &Path,
    specs: &[S],
) -> Result<Vec<Entry>, String> {
    specs
        .iter()
        .map(|spec| {
            let (program, title, words) = match foreign(spec.as_ref()) {
                Some((program, rest)) => {
                    let path = sibling(exe, program);
                    let mut words = rest.split_whitespace();
                    let id = words.next().unwrap_or_default();
                    let title = foreign_title(&path, id)
                        .unwrap_or_else(|| format!("listing {id} of {program}"));
                    (
                        path,
                        title,
                        std::iter::once(id).chain(words).collect::<Vec<_>>(),
                    )
                }
                None => {
                    let mut words = spec.as_ref().split_whitespace();
                    let id = words.next().unwrap_or_default();
                    let listing: &Listing = chapter.find(id).ok_or_else(|| id.to_owned())?;
                    let words = std::iter::once(listing.id).chain(words).collect::<Vec<_>>();
                    (exe.to_owned(), listing.title.to_owned(), words)
                }
            };
            let args: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
            Ok(Entry {
                label: args.join(" "),
                title,
                program,
                args,
                takes_flags: true,
            })
        })
        .collect()
}

/// A listing's title, asked of another chapter's binary.
fn foreign_title(program: &Path, id: &str) -> Option<String> {
    let output = Command::new(program)
        .args(["list", "--json"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    list["listings"]
        .as_array()?
        .iter()
        .find(|l| l["id"] == id)
        .and_then(|l| l["title"].as_str())
        .map(str::to_owned)
}

/// Where the Python counterparts live: `scripts/python` of this workspace.
pub fn python_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/python")
}

/// The scripts that need a package from `requirements.txt` (aiohttp).
const NEEDS_PACKAGES: &[&str] = &["requests_demo.py"];

/// The Python to run `specs` with: the project's venv when it exists;
/// otherwise `python3` from the PATH, after making the venv with
/// `scripts/python/setup.sh` first when a script needs a package (it
/// installs the pinned aiohttp); `None` without any python3.
pub fn python_interpreter(specs: &[&str]) -> Option<PathBuf> {
    let venv = python_dir().join(".venv/bin/python3");
    if venv.exists() {
        return Some(venv);
    }
    let found = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        return None;
    }
    let needs_packages = specs
        .iter()
        .any(|spec| NEEDS_PACKAGES.iter().any(|script| spec.starts_with(script)));
    if !needs_packages {
        return Some(PathBuf::from("python3"));
    }
    let setup = python_dir().join("setup.sh");
    eprintln!(
        "setting up the Python side once: {} (a venv with the pinned requirements)",
        setup.display()
    );
    let made = Command::new("bash")
        .arg(&setup)
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if made && venv.exists() {
        Some(venv)
    } else {
        eprintln!(
            "note: the venv could not be made; using python3 from the PATH, so rows that need aiohttp may fail"
        );
        Some(PathBuf::from("python3"))
    }
}

/// Rows for a set's Python counterparts; `demo_url` replaces `{demo}`.
pub fn python_rows(python: &Path, specs: &[&str], demo_url: Option<&str>) -> Vec<Entry> {
    specs
        .iter()
        .map(|spec| {
            let words: Vec<String> = spec
                .split_whitespace()
                .map(|w| w.replace("{demo}", demo_url.unwrap_or("http://127.0.0.1:9")))
                .collect();
            let script = python_dir().join(&words[0]);
            Entry {
                label: format!("python {}", spec.replace("{demo}", "DEMO")),
                title: "the Python counterpart".to_owned(),
                program: python.to_owned(),
                args: std::iter::once(script.display().to_string())
                    .chain(words[1..].iter().cloned())
                    .collect(),
                takes_flags: false,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn python_rows_name_the_script_and_fill_in_the_demo_url() {
        let rows = python_rows(
            Path::new("python3"),
            &["requests_demo.py --url {demo} --sequential"],
            Some("http://127.0.0.1:1234/"),
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].label,
            "python requests_demo.py --url DEMO --sequential"
        );
        assert!(rows[0].args[0].ends_with("scripts/python/requests_demo.py"));
        assert_eq!(
            rows[0].args[1..],
            ["--url", "http://127.0.0.1:1234/", "--sequential"]
        );
        assert!(!rows[0].takes_flags);
        assert!(python_dir().join("requests_demo.py").exists());
    }

    #[test]
    fn a_server_address_is_read_off_its_listening_line() {
        let address = |line: &str| listening_address(line).map(|a| a.to_string());
        assert_eq!(
            address("listening on 127.0.0.1:8000").as_deref(),
            Some("127.0.0.1:8000")
        );
        assert_eq!(
            address("echo server listening on 127.0.0.1:41234, non-blocking").as_deref(),
            Some("127.0.0.1:41234")
        );
        assert_eq!(address("listening on port 8000"), None);
        assert_eq!(address("connection from 127.0.0.1:5000"), None);
    }

    #[test]
    fn another_chapters_row_names_its_binary() {
        assert_eq!(
            foreign("chapter07:7.1 --port 0"),
            Some(("chapter07", "7.1 --port 0"))
        );
        assert_eq!(foreign("3.8"), None);
        assert_eq!(foreign("python x.py --url http://a:1"), None);
        let exe = Path::new("/t/release/chapter03");
        assert_eq!(sibling(exe, "chapter07"), Path::new("/t/release/chapter07"));
    }

    #[test]
    fn a_failure_is_explained_by_its_error_line() {
        let clap = "error: unexpected argument '--nonsense' found\n\nUsage: x\n\nFor more information, try '--help'.\n";
        assert_eq!(
            why_it_failed(clap),
            "error: unexpected argument '--nonsense' found"
        );
        let python = "Traceback (most recent call last):\n  File x\nModuleNotFoundError: No module named 'aiohttp'\n";
        assert_eq!(
            why_it_failed(python),
            "ModuleNotFoundError: No module named 'aiohttp'"
        );
        assert_eq!(why_it_failed(""), "");
    }

    #[test]
    fn ratios_read_as_words() {
        assert_eq!(ratio_words(1.0), "1.00x");
        assert_eq!(ratio_words(0.5), "2.00x faster");
        assert_eq!(ratio_words(1.5), "1.50x slower");
    }
}
