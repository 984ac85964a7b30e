//! Execution: every run of a plan as a child process, and the plumbing a
//! child uses to report back (its CPU time and memory, the work a load
//! did, ending with its parent).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::plan::{Plan, Row};
use super::stats::{Results, Sample};

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
    let cpu = shared_util::sys::cpu_time() + shared_util::sys::children_cpu_time();
    let rss = shared_util::sys::peak_resident_bytes(std::process::id()).unwrap_or(0);
    let _ = std::fs::write(path, format!("{} {rss}\n", cpu.as_micros()));
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
    let mut measure = |exe: &Path, entry: &Row, flags: &[String], dir: &Path| {
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

fn run_once(exe: &Path, entry: &Row, flags: &[String], stats_dir: &Path) -> anyhow::Result<Sample> {
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
struct StopOnDrop(std::process::Child);

impl Drop for StopOnDrop {
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
    entry: &Row,
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
    let mut server = StopOnDrop(child);
    let pid = server.0.id();
    let stdout = server.0.stdout.take().expect("stdout is piped");
    let (found, address) = std::sync::mpsc::channel();
    // Reads the address, then keeps draining so the server never blocks
    // on a full pipe; ends when the server exits.
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(address) = shared_util::net::listening_address(&line) {
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
    let cpu_before = shared_util::sys::cpu_time_of(pid).unwrap_or_default();
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
    let cpu = shared_util::sys::cpu_time_of(pid)
        .unwrap_or_default()
        .saturating_sub(cpu_before);
    let peak_rss = shared_util::sys::peak_resident_bytes(pid).unwrap_or(0);
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
