//! A process pool: N worker processes fed one job per line.
//!
//! The parent writes a job (`count 100000000`) to a worker's stdin and reads
//! its answer from the worker's stdout: `ok RESULT`, `err MESSAGE`, or any
//! number of `say TEXT` lines first, which the pool prints as they come (the
//! book's workers print from their own process). One thread per worker
//! takes the next job from a shared queue, so a busy worker never holds up
//! an idle one, like `multiprocessing.Pool`.
//!
//! [`ProcessPool::submit`] is `apply_async`: it returns a [`Pending`] that
//! can be waited for with [`Pending::get`] in plain code or `.await`ed in
//! async code (a oneshot channel: no runtime thread is blocked). Dropping the
//! pool kills and reaps every worker: no child outlives it.

use std::future::Future;
use std::io::{BufRead as _, BufReader, Write as _};
use std::pin::Pin;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll};
use std::thread::JoinHandle;

use shared_util::ctx::worker_command;
use tokio::sync::oneshot;

/// One job on its way to a worker, with where to send the answer.
struct Job {
    line: String,
    reply: oneshot::Sender<anyhow::Result<String>>,
}

/// A pool of worker processes running this binary's `pool` worker.
pub struct ProcessPool {
    /// The job queue; dropping it tells the feeder threads to stop.
    jobs: Option<mpsc::Sender<Job>>,
    /// The worker processes, killed and reaped on drop.
    children: Vec<Child>,
    /// One thread per worker, moving jobs in and answers out.
    feeders: Vec<JoinHandle<()>>,
}

impl ProcessPool {
    /// Starts `size` workers; `init_args` are passed to each one at start-up
    /// (the pool's initializer, e.g. the path of a shared memory file).
    pub fn new(size: usize, init_args: &[&str]) -> anyhow::Result<Self> {
        if !(1..=MAX_SIZE).contains(&size) {
            // The user's --limit: a usage error (exit 2), not a failure.
            return Err(shared_util::usage(format!(
                "a pool runs 1..={MAX_SIZE} worker processes (got {size}; --limit sets it)"
            )));
        }
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let mut pool = Self {
            jobs: Some(sender),
            children: Vec::new(),
            feeders: Vec::new(),
        };
        for _ in 0..size {
            let mut child = worker_command("pool")
                .args(init_args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()?;
            let stdin = child.stdin.take().expect("stdin is piped");
            let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
            pool.children.push(child);
            let receiver = Arc::clone(&receiver);
            pool.feeders
                .push(std::thread::spawn(move || feed(receiver, stdin, stdout)));
        }
        Ok(pool)
    }

    /// How many worker processes the pool runs.
    pub fn size(&self) -> usize {
        self.children.len()
    }

    /// The workers' pids.
    pub fn pids(&self) -> Vec<u32> {
        self.children.iter().map(Child::id).collect()
    }

    /// Queues `job` and returns at once (`apply_async`).
    pub fn submit(&self, job: impl Into<String>) -> Pending {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            line: job.into(),
            reply,
        };
        if let Some(jobs) = &self.jobs {
            // A send fails only when every feeder is gone; `answer` then
            // reports that the pool stopped.
            let _ = jobs.send(job);
        }
        Pending(answer)
    }

    /// Runs `job` and waits for its answer (`apply`).
    pub fn apply(&self, job: impl Into<String>) -> anyhow::Result<String> {
        self.submit(job).get()
    }

    /// Queues every job, then returns the answers in the order given
    /// (`map`): a slow first job holds up the answers behind it.
    pub fn map<I>(&self, jobs: I) -> impl Iterator<Item = anyhow::Result<String>> + use<I>
    where
        I: IntoIterator<Item = String>,
    {
        let pending: Vec<Pending> = jobs.into_iter().map(|job| self.submit(job)).collect();
        pending.into_iter().map(Pending::get)
    }
}

impl Drop for ProcessPool {
    fn drop(&mut self) {
        drop(self.jobs.take());
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        // Each feeder now sees a closed queue or a closed pipe, and ends.
        for feeder in self.feeders.drain(..) {
            let _ = feeder.join();
        }
    }
}

/// A feeder thread: job in, answer out, until the queue or the worker closes.
fn feed(
    jobs: Arc<Mutex<mpsc::Receiver<Job>>>,
    mut stdin: std::process::ChildStdin,
    mut stdout: BufReader<std::process::ChildStdout>,
) {
    loop {
        let next = jobs
            .lock()
            .map_err(|_| ())
            .and_then(|queue| queue.recv().map_err(|_| ()));
        let Ok(job) = next else { return };
        if writeln!(stdin, "{}", job.line)
            .and_then(|()| stdin.flush())
            .is_err()
        {
            let _ = job.reply.send(Err(anyhow::anyhow!("a pool worker exited")));
            return;
        }
        let answer = loop {
            let mut line = String::new();
            match stdout.read_line(&mut line) {
                Ok(0) | Err(_) => break Err(anyhow::anyhow!("a pool worker exited mid-job")),
                Ok(_) => {}
            }
            let line = line.trim_end();
            if let Some(text) = line.strip_prefix("say ") {
                println!("{text}");
            } else if let Some(result) = line.strip_prefix("ok ") {
                break Ok(result.to_owned());
            } else {
                let message = line.strip_prefix("err ").unwrap_or(line);
                break Err(anyhow::anyhow!("pool worker: {message}"));
            }
        };
        let failed = answer.is_err();
        let _ = job.reply.send(answer);
        if failed {
            return;
        }
    }
}

/// The answer to a submitted job, not yet known (`AsyncResult`).
#[derive(Debug)]
pub struct Pending(oneshot::Receiver<anyhow::Result<String>>);

impl Pending {
    /// Blocks this thread until the answer arrives (`AsyncResult.get`).
    /// For plain code only; async code awaits the `Pending` instead.
    pub fn get(self) -> anyhow::Result<String> {
        self.0.blocking_recv().unwrap_or_else(|_| Err(stopped()))
    }
}

impl Future for Pending {
    type Output = anyhow::Result<String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|answer| answer.unwrap_or_else(|_| Err(stopped())))
    }
}

fn stopped() -> anyhow::Error {
    anyhow::anyhow!("the pool stopped before answering")
}

/// The most worker processes a pool starts: `--limit 100000` should be an
/// error, not a fork bomb.
pub const MAX_SIZE: usize = 64;

/// The number of cores, the default pool size (as `Pool()` uses
/// `os.cpu_count()`); `--limit N` overrides it.
pub fn default_size() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}
