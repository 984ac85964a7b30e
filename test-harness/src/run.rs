//! Running a chapter binary to the end, with a time bound.

use std::io::{Read, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    /// The exit code; `None` when killed by a signal (or by the bound).
    pub code: Option<i32>,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

impl Run {
    /// The stdout lines, for order checks.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// Indices of every stdout line that starts with `prefix`.
    pub fn positions(&self, prefix: &str) -> Vec<usize> {
        self.lines()
            .iter()
            .enumerate()
            .filter(|(_, line)| line.starts_with(prefix))
            .map(|(index, _)| index)
            .collect()
    }

    /// Index of the first stdout line containing `needle`; panics with the
    /// whole output when there is none.
    pub fn position(&self, needle: &str) -> usize {
        self.lines()
            .iter()
            .position(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("no line contains {needle:?} in:\n{}", self.stdout))
    }
}

/// The longest any single run may take in a test.
pub const BOUND: Duration = Duration::from_secs(120);

/// Runs `bin` with `args`, feeding `stdin` (closed afterwards), and waits at
/// most [`BOUND`]. Panics if it had to kill the child.
pub fn run_bin(bin: impl AsRef<Path>, args: &[&str], stdin: &str) -> Run {
    run_bin_with(bin, args, stdin, &[])
}

/// Each listing of `ids` run with `--virtual-time` is refused as a usage
/// error (exit 2) that names it: servers and real work need the real
/// clock.
pub fn assert_refuse_virtual_time(bin: impl AsRef<Path>, ids: &[&str]) {
    for id in ids {
        let run = run_bin(bin.as_ref(), &[id, "--virtual-time"], "");
        assert_eq!(run.code, Some(2), "{id}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("listing {id} cannot run with --virtual-time")),
            "{id}: {}",
            run.stderr
        );
    }
}

/// Each server listing of `ids`, told to listen on a port already taken,
/// ends at once with exit 1 and one line naming the port.
pub fn assert_port_in_use_reported(bin: impl AsRef<Path>, ids: &[&str]) {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = taken.local_addr().expect("its address").port().to_string();
    for id in ids {
        let run = run_bin(bin.as_ref(), &[id, "--port", &port], "");
        assert_eq!(run.code, Some(1), "{id}: {}\n{}", run.stdout, run.stderr);
        assert!(
            run.stderr
                .contains(&format!("port {port} on 127.0.0.1 is already in use")),
            "{id}: {}",
            run.stderr
        );
    }
}

/// [`run_bin`] without stdin, expecting exit code 0; on any other exit it
/// fails with both outputs, so the test says what went wrong.
pub fn run_ok(bin: impl AsRef<Path>, args: &[&str]) -> Run {
    let name = bin.as_ref().display().to_string();
    let run = run_bin(bin, args, "");
    assert_eq!(
        run.code,
        Some(0),
        "{name} {args:?} failed\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    run
}

/// [`run_bin`] with extra environment variables, e.g. a [`new_marker`](crate::new_marker).
pub fn run_bin_with(
    bin: impl AsRef<Path>,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
) -> Run {
    let child = Command::new(bin.as_ref())
        .args(args)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", bin.as_ref().display()));
    finish(child, stdin)
}

/// Feeds `stdin` to a spawned child (if its stdin is piped), collects its
/// stdout and stderr (those not already taken by the caller), and waits at
/// most [`BOUND`], killing it and panicking after that.
pub fn finish(mut child: Child, stdin: &str) -> Run {
    let feeder = child.stdin.take().map(|mut input| {
        let stdin = stdin.to_owned();
        // The child may exit without reading: that is fine.
        std::thread::spawn(move || {
            let _ = input.write_all(stdin.as_bytes());
        })
    });
    let out_reader = read_all(child.stdout.take());
    let err_reader = read_all(child.stderr.take());

    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait works") {
            break status;
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            let stdout = out_reader.join().unwrap_or_default();
            panic!("the run took longer than {BOUND:?} and was killed; its output:\n{stdout}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    Run {
        code: status.code(),
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

/// Reads a stream to the end on its own thread (nothing, if absent).
fn read_all(stream: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stream) = stream {
            let _ = stream.read_to_string(&mut text);
        }
        text
    })
}

/// `list --json` of chapter `number` names exactly the `registered` ids,
/// in order (a chapter's test passes its registry's ids); returns them.
pub fn assert_lists_every_listing<'a>(
    bin: impl AsRef<Path>,
    number: u32,
    registered: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let run = run_bin(bin, &["list", "--json"], "");
    assert_eq!(run.code, Some(0), "list --json failed: {}", run.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("`list --json` prints JSON");
    assert_eq!(json["chapter"], number);
    let listed: Vec<String> = json["listings"]
        .as_array()
        .expect("a `listings` array")
        .iter()
        .map(|l| {
            l["id"]
                .as_str()
                .expect("every listing has an id")
                .to_owned()
        })
        .collect();
    let registered: Vec<&str> = registered.into_iter().collect();
    assert_eq!(listed, registered);
    listed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_collects_output_and_feeds_stdin() {
        let child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let run = finish(child, "hello\n");
        assert_eq!((run.code, run.stdout.as_str()), (Some(0), "hello\n"));
    }
}
