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

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli::{Chapter, Listing};
/// The environment variable naming the file a child writes its
/// statistics to when it ends: `cpu_micros peak_rss_bytes`.
pub const STATS_ENV: &str = "RCT_COMPARE_STATS";

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
}

/// The recorded runs of every listing, in plan order.
#[derive(Debug, Clone)]
pub struct Results {
    /// Per row: what ran, and its samples.
    pub rows: Vec<(Entry, Vec<Sample>)>,
}

/// Runs the plan with the binary at `exe`; on a failed run, an error
/// naming the listing and the run.
pub fn run(exe: &Path, plan: &Plan) -> anyhow::Result<Results> {
    let stats_dir = std::env::temp_dir().join(format!("rct-compare-{}", std::process::id()));
    std::fs::create_dir_all(&stats_dir)?;
    let result = run_in(exe, plan, &stats_dir);
    let _ = std::fs::remove_dir_all(&stats_dir);
    result
}

fn run_in(exe: &Path, plan: &Plan, stats_dir: &Path) -> anyhow::Result<Results> {
    for round in 0..plan.warmup {
        for entry in &plan.listings {
            run_once(exe, entry, &plan.flags, stats_dir).map_err(|e| {
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
            let sample = run_once(exe, &entry, &plan.flags, stats_dir).map_err(|e| {
                e.context(format!("run {} of listing {}", round + 1, entry.label()))
            })?;
            rows[index].1.push(sample);
        }
    }
    Ok(Results { rows })
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
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| anyhow::anyhow!("could not start {}: {e}", entry.program.display()))?;
    let wall = start.elapsed();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
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
        let _ = writeln!(
            out,
            "{:<id_width$}  {:<title_width$}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  vs {base}",
            "listing", "title", "median", "min", "max", "cpu", "peak mem"
        );
        for ((listing, _), s) in self.rows.iter().zip(&summaries) {
            let title: String = listing.title.chars().take(44).collect();
            let _ = writeln!(
                out,
                "{:<id_width$}  {title:<title_width$}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  {}",
                listing.label(),
                seconds(s.median),
                seconds(s.min),
                seconds(s.max),
                seconds(s.cpu),
                mebibytes(s.peak_rss),
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

    /// The same table in Markdown, for the benchmarks page.
    pub fn render_markdown(&self) -> String {
        let base = self.rows[0].0.label();
        let mut out = format!(
            "| listing | title | median | min | max | cpu | peak mem | vs {base} |\n|---|---|---|---|---|---|---|---|\n"
        );
        for ((listing, _), s) in self.rows.iter().zip(self.summaries()) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
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
                    "ratio_to_first": s.ratio,
                    "runs": samples.iter().map(|x| serde_json::json!({
                        "wall_s": x.wall.as_secs_f64(),
                        "cpu_s": x.cpu.as_secs_f64(),
                        "peak_rss_bytes": x.peak_rss,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({
            "runs": plan.runs,
            "warmup": plan.warmup,
            "flags": plan.flags,
            "release_build": !cfg!(debug_assertions),
            "listings": rows,
        }))
        .expect("JSON values always serialise")
    }

    /// The bar chart of medians as SVG.
    pub fn render_svg(&self) -> String {
        let summaries = self.summaries();
        let longest = summaries
            .iter()
            .map(|s| s.median)
            .max()
            .unwrap_or_default()
            .as_secs_f64()
            .max(1e-9);
        let row = 30.0;
        let height = 20.0 + row * summaries.len() as f64 + 10.0;
        let mut svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="820" height="{height}" font-family="monospace" font-size="14"><rect width="100%" height="100%" fill="white"/>"#
        );
        svg.push('\n');
        for (i, ((listing, _), s)) in self.rows.iter().zip(&summaries).enumerate() {
            let y = 20.0 + row * i as f64;
            let width = s.median.as_secs_f64() / longest * 560.0;
            let _ = writeln!(
                svg,
                r##"<text x="90" y="{:.1}" text-anchor="end">{}</text><rect x="100" y="{:.1}" width="{width:.1}" height="20" fill="#1f4e99"/><text x="{:.1}" y="{:.1}">{} ({})</text>"##,
                y + 15.0,
                listing.label(),
                y,
                110.0 + width,
                y + 15.0,
                seconds(s.median),
                ratio_words(s.ratio)
            );
        }
        svg.push_str("</svg>\n");
        svg
    }
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

/// Turns `"2.19"` or `"2.19 --runtime multi-thread"` specs into rows that
/// run `exe`, or says what is wrong (an unknown id is returned as `Err(id)`).
pub fn resolve<S: AsRef<str>>(
    chapter: &Chapter,
    exe: &Path,
    specs: &[S],
) -> Result<Vec<Entry>, String> {
    specs
        .iter()
        .map(|spec| {
            let mut words = spec.as_ref().split_whitespace();
            let id = words.next().unwrap_or_default();
            let listing: &Listing = chapter.find(id).ok_or_else(|| id.to_owned())?;
            let flags: Vec<String> = words.map(str::to_owned).collect();
            let label = std::iter::once(listing.id.to_owned())
                .chain(flags.iter().cloned())
                .collect::<Vec<_>>()
                .join(" ");
            Ok(Entry {
                label,
                title: listing.title.to_owned(),
                program: exe.to_owned(),
                args: std::iter::once(listing.id.to_owned())
                    .chain(flags)
                    .collect(),
                takes_flags: true,
            })
        })
        .collect()
}

/// Where the Python counterparts live: `scripts/python` of this workspace.
pub fn python_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/python")
}

/// The Python to run them with: the project's venv when it exists
/// (`scripts/python/setup.sh`), else `python3` from the PATH, else `None`.
pub fn python_interpreter() -> Option<PathBuf> {
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
    found.then(|| PathBuf::from("python3"))
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
    fn ratios_read_as_words() {
        assert_eq!(ratio_words(1.0), "1.00x");
        assert_eq!(ratio_words(0.5), "2.00x faster");
        assert_eq!(ratio_words(1.5), "1.50x slower");
    }
}
