//! A server's run: start it, wait for its address, time the load of this
//! binary against it, read its CPU time and memory, stop it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::child::{CHILD_ENV, WORK_ENV};
use super::pin::{command as pinned, pinning};
use super::plan::{Row, foreign, sibling};
use super::stats::Sample;

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
pub(super) fn run_server_once(
    exe: &Path,
    entry: &Row,
    flags: &[String],
    load: &[String],
    dir: &Path,
) -> anyhow::Result<(Sample, Option<String>)> {
    use std::io::BufRead as _;
    let server_log = dir.join("server-stderr");
    // A scaling row has CPUs of its own; any other server the first one.
    let server_cpus = match &entry.pin {
        Some(pin) => Some(pin.cpus.clone()),
        None => pinning().map(|p| p.server.clone()),
    };
    let load_cpus = match &entry.pin {
        Some(pin) => pin.load.clone(),
        None => pinning().map(|p| p.load.clone()),
    };
    let mut command = pinned(&entry.program, server_cpus.as_deref());
    command.args(entry.command_args(flags));
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
    // The server's and its children's (Python's processes sharing a port).
    let cpu_before = shared_util::sys::cpu_time_of_tree(pid);
    let start = Instant::now();
    let (program, load) = load_program(exe, load)?;
    let output = pinned(&program, load_cpus.as_deref())
        .args(
            load.iter()
                .map(|a| a.replace("{addr}", &address.to_string())),
        )
        .env(WORK_ENV, &work_file)
        .env(CHILD_ENV, "1")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| anyhow::anyhow!("could not start the load ({}): {e}", program.display()))?;
    let wall = start.elapsed();
    let cpu = shared_util::sys::cpu_time_of_tree(pid).saturating_sub(cpu_before);
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
    let reported = super::child::read_work(&work_file);
    Ok(match reported {
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

/// The program that runs the load and its arguments: this binary, or
/// another chapter's built beside it when the load's first word names one
/// (`chapter03:load ...` runs chapter 3's `load` tool).
fn load_program(exe: &Path, load: &[String]) -> anyhow::Result<(PathBuf, Vec<String>)> {
    let Some((first, rest)) = load.split_first() else {
        return Ok((exe.to_owned(), Vec::new()));
    };
    match foreign(first) {
        Some((program, tool)) => {
            let path = sibling(exe, program);
            anyhow::ensure!(
                path.exists(),
                "the load runs {program}, which is not built beside this binary; `cargo build {}-p {program}` adds it",
                if cfg!(debug_assertions) {
                    ""
                } else {
                    "--release "
                }
            );
            let args = std::iter::once(tool.to_owned()).chain(rest.iter().cloned());
            Ok((path, args.collect()))
        }
        None => Ok((exe.to_owned(), load.to_vec())),
    }
}

/// The line of a failed child's stderr that says why: the first `error`
/// line (clap and our runner start theirs so), else the last non-empty one
/// (a Python traceback ends with the exception).
pub(super) fn why_it_failed(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .or_else(|| stderr.lines().rev().find(|l| !l.trim().is_empty()))
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_may_run_another_chapters_tool_built_beside_this_binary() {
        let dir = std::env::temp_dir().join(format!("rct-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let exe = dir.join("chapter14");
        let words = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let (program, args) = load_program(&exe, &words(&["load", "--addr", "{addr}"])).unwrap();
        assert_eq!(
            (program, args),
            (exe.clone(), words(&["load", "--addr", "{addr}"]))
        );
        let other = words(&["chapter03:load", "--clients", "5"]);
        let missing = load_program(&exe, &other).unwrap_err().to_string();
        assert!(
            missing.contains("chapter03, which is not built beside this binary"),
            "{missing}"
        );
        std::fs::write(dir.join("chapter03"), "").unwrap();
        let (program, args) = load_program(&exe, &other).unwrap();
        assert_eq!(program, dir.join("chapter03"));
        assert_eq!(args, words(&["load", "--clients", "5"]));
        std::fs::remove_dir_all(&dir).unwrap();
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
}
