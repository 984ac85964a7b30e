//! `--console` (the runner's `console` feature): a run serves its tasks to
//! tokio-console. The test connects with the console's own client
//! (console-api, as the `tokio-console` program does) and finds the
//! fixture's named task by its name, with its polls.

use std::io::{BufRead as _, Read as _};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use console_api::field::{Name, Value};
use console_api::instrument::instrument_client::InstrumentClient;
use console_api::instrument::{InstrumentRequest, Update};

use crate::BIN;

/// The bound on every wait here: a start, a connection, an update, an exit.
const WAIT: Duration = Duration::from_secs(30);

/// What the console knows of one task, from the updates so far.
#[derive(Debug, Default, Clone)]
struct Seen {
    name: Option<String>,
    kind: Option<String>,
    polls: u64,
    dropped: bool,
}

/// The fixture running with `--console`, killed if the test ends early.
struct Run {
    child: Child,
    stderr: mpsc::Receiver<String>,
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Run {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the fixture");
        let (lines, stderr) = mpsc::channel();
        let err = child.stderr.take().expect("stderr is piped");
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        Run { child, stderr }
    }

    /// Waits (bounded) for the stderr line that starts with `prefix`.
    fn line(&self, prefix: &str) -> String {
        let deadline = Instant::now() + WAIT;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return line,
                Ok(line) => seen.push(line),
                Err(e) => panic!("no stderr line {prefix:?} ({e}); stderr so far:\n{seen:?}"),
            }
        }
    }

    /// Closes stdin (the run lingers until then) and waits, bounded, for
    /// the exit; returns the exit code and stdout.
    fn finish(mut self) -> (Option<i32>, String) {
        drop(self.child.stdin.take());
        let mut out = self.child.stdout.take().expect("stdout is piped");
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = out.read_to_string(&mut text);
            text
        });
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the run did not exit within {WAIT:?} of its stdin closing"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        (status.code(), reader.join().expect("the stdout reader"))
    }
}

/// The console's address in `console: tokio-console http://127.0.0.1:PORT  (...)`.
fn address(line: &str) -> String {
    let url = line
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    let port: u16 = url["http://127.0.0.1:".len()..]
        .parse()
        .unwrap_or_else(|_| panic!("no port in {line:?}"));
    assert_ne!(port, 0);
    url.to_owned()
}

/// A field's value as text.
fn text(value: &Value) -> String {
    match value {
        Value::DebugVal(s) | Value::StrVal(s) => s.clone(),
        Value::U64Val(n) => n.to_string(),
        Value::I64Val(n) => n.to_string(),
        Value::BoolVal(b) => b.to_string(),
    }
}

/// Adds one update to what is known of each task (by the task's span id).
fn absorb(tasks: &mut std::collections::HashMap<u64, Seen>, update: Update) {
    let Some(task_update) = update.task_update else {
        return;
    };
    for task in task_update.new_tasks {
        let Some(id) = task.id.map(|id| id.id) else {
            continue;
        };
        let seen = tasks.entry(id).or_default();
        for field in task.fields {
            let (Some(Name::StrName(name)), Some(value)) = (field.name, field.value) else {
                continue;
            };
            match name.as_str() {
                "task.name" => seen.name = Some(text(&value)),
                "kind" => seen.kind = Some(text(&value)),
                _ => {}
            }
        }
    }
    for (id, stats) in task_update.stats_update {
        let seen = tasks.entry(id).or_default();
        seen.polls = seen
            .polls
            .max(stats.poll_stats.map_or(0, |poll| poll.polls));
        seen.dropped |= stats.dropped_at.is_some();
    }
}

/// Watches the console at `url` until a task named `name` has been seen
/// finished, or [`WAIT`] has passed; returns every task seen.
fn watch_for(url: &str, name: &str) -> Vec<Seen> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the client");
    runtime.block_on(async {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut client =
            tokio::time::timeout_at(deadline, InstrumentClient::connect(url.to_owned()))
                .await
                .expect("connected within the bound")
                .expect("connect to the console's server");
        let mut updates =
            tokio::time::timeout_at(deadline, client.watch_updates(InstrumentRequest {}))
                .await
                .expect("a stream within the bound")
                .expect("watch_updates")
                .into_inner();
        let mut tasks = std::collections::HashMap::new();
        loop {
            let done = tasks
                .values()
                .any(|t: &Seen| t.name.as_deref() == Some(name) && t.dropped);
            if done {
                break;
            }
            match tokio::time::timeout_at(deadline, updates.message()).await {
                Ok(Ok(Some(update))) => absorb(&mut tasks, update),
                Ok(Ok(None)) => panic!("the console's stream ended; tasks: {tasks:?}"),
                Ok(Err(status)) => panic!("the console's stream failed: {status}"),
                Err(_) => panic!("no finished task {name:?} within {WAIT:?}; tasks: {tasks:?}"),
            }
        }
        tasks.into_values().collect()
    })
}

#[test]
fn the_console_shows_a_named_task_by_name() {
    let run = Run::start(&["99.6", "--console"]);
    let url = address(&run.line("console: tokio-console http://"));
    // The listing is over in 50 ms; the server lingers until stdin closes,
    // and the console still has the finished task.
    run.line("console: the run is over");
    let tasks = watch_for(&url, "fixture: nap");
    let nap = tasks
        .iter()
        .find(|t| t.name.as_deref() == Some("fixture: nap"))
        .expect("watch_for returns once it has seen it");
    assert_eq!(nap.kind.as_deref(), Some("task"), "{tasks:?}");
    // Polled once to start its sleep, once more when the timer woke it.
    assert!(nap.polls >= 2, "{tasks:?}");
    // The runtime's `block_on` of the listing is there too; the tasks of
    // the console's own server are not.
    assert!(
        tasks.iter().any(|t| t.kind.as_deref() == Some("block_on")),
        "{tasks:?}"
    );
    let spawned = tasks
        .iter()
        .filter(|t| t.kind.as_deref() == Some("task"))
        .count();
    assert_eq!(spawned, 1, "{tasks:?}");
    let (code, stdout) = run.finish();
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(stdout, "the named task rested\n");
}
