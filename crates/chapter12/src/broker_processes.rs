//! The processes of 12.11 and 12.12: the order worker and the web app,
//! each a program of its own that talks to the others only through Redis.
//!
//! A listing starts them as children (`chapter12 __worker order-worker
//! ...`), tied to it so that none outlives it, in process groups of their
//! own so that a Ctrl-C at the terminal reaches the listing, which stops
//! them in order. A person can start them by hand too, as separate
//! programs: `cargo run -p chapter12 -- order-worker --redis-url URL`.

use std::net::SocketAddr;
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use clap::Args;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use runner::ToolMain;
use tokio::process::Child;

use crate::broker::{Broker, GROUP, Keys, PREFIX, redacted};

/// How long a stopping worker may take: the longest order (4 s) and
/// some, scaled, but never under a second.
fn stop_bound(scale: f64) -> Duration {
    Duration::from_secs_f64((5.0 * scale).max(1.0))
}

/// A worker takes over an order another has held this long: longer than
/// the longest order (4 s, scaled), so a live worker keeps its own.
pub fn claim_after(scale: f64) -> Duration {
    stop_bound(scale)
}

/// Reads a `--scale` factor (as the shared flag does).
fn parse_scale(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if f > 0.0 && f <= 100.0 => Ok(f),
        _ => Err(format!("'{text}' is not a factor above 0 and at most 100")),
    }
}

/// A worker of the order app on Redis Streams (12.11, 12.12): reads orders
/// with the consumer group `workers`, processes each (0 to 4 s), records
/// it and acknowledges it; takes over orders a stopped worker held.
#[derive(Debug, Clone, Args)]
pub struct WorkerArgs {
    /// The Redis server to read orders from.
    #[arg(long, value_name = "URL", default_value = "redis://127.0.0.1:6379",
          value_parser = crate::broker::parse_url)]
    pub redis_url: String,
    /// This worker's name in the consumer group [default: worker-PID].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The prefix of the keys (12.11 uses rct:).
    #[arg(long, value_name = "PREFIX", default_value = PREFIX)]
    pub prefix: String,
    /// Multiply the order times (0 to 4 s) by F.
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = parse_scale)]
    pub scale: f64,
}

impl WorkerArgs {
    /// The arguments that make a child worker `name` with these settings.
    fn command_line(url: &str, prefix: &str, name: &str, scale: f64) -> Vec<String> {
        [
            "--redis-url",
            url,
            "--prefix",
            prefix,
            "--name",
            name,
            "--scale",
            &scale.to_string(),
        ]
        .map(str::to_owned)
        .to_vec()
    }
}

impl ToolMain for WorkerArgs {
    fn main(self) -> ExitCode {
        exit_code(run_process(work(self)))
    }
}

/// `chapter12 __worker order-worker ARGS`: a worker as a child.
pub fn worker(args: &[String]) -> anyhow::Result<()> {
    run_process(work(parse::<WorkerArgs>("order-worker", args)?))
}

/// The web app of 12.12, as a process of its own: `POST /order` adds the
/// order to the stream and answers once Redis has it.
#[derive(Debug, Clone, Args)]
pub struct AppArgs {
    /// The Redis server to put orders on.
    #[arg(long, value_name = "URL", value_parser = crate::broker::parse_url)]
    pub redis_url: String,
    /// The prefix of the keys.
    #[arg(long, value_name = "PREFIX", default_value = PREFIX)]
    pub prefix: String,
    /// The port to listen on, on 127.0.0.1.
    #[arg(long, value_name = "PORT")]
    pub port: u16,
    /// Seed of the order times.
    #[arg(long, value_name = "N", default_value_t = 12)]
    pub seed: u64,
}

/// `chapter12 __worker order-app ARGS`: the web app as a child.
pub fn app(args: &[String]) -> anyhow::Result<()> {
    let args = parse::<AppArgs>("order-app", args)?;
    run_process(async move {
        let broker = Broker::connect(&args.redis_url, Keys::new(&args.prefix)).await?;
        let listener = shared_util::net::bind_loopback_async(args.port).await?;
        println!("app: listening on {}", listener.local_addr()?);
        let shop = Arc::new(Shop::new(broker, args.seed));
        let name = serve(listener, &shop, stop_signal()).await?;
        println!(
            "app: got a {name}: no longer taking orders ({} accepted by this app; the ones not yet processed wait in the stream)",
            shop.accepted().len()
        );
        Ok(())
    })
}

fn parse<T: Args>(name: &'static str, args: &[String]) -> anyhow::Result<T> {
    let command = T::augment_args(clap::Command::new(name).no_binary_name(true));
    let matches = command.try_get_matches_from(args)?;
    Ok(T::from_arg_matches(&matches)?)
}

/// Runs a child's main future on a runtime of its own.
fn run_process(main: impl Future<Output = anyhow::Result<()>>) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(main)
}

fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Completes on SIGINT or SIGTERM with the signal's name.
async fn stop_signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = interrupt.recv() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    }
}

/// The worker's loop: take an order, process it, record and acknowledge
/// it. A SIGINT or SIGTERM lets the order in hand finish first.
async fn work(args: WorkerArgs) -> anyhow::Result<()> {
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("worker-{}", std::process::id()));
    let keys = Keys::new(&args.prefix);
    let mut broker = Broker::connect(&args.redis_url, keys.clone()).await?;
    broker.join(&name).await?;
    let stopping = Arc::new(AtomicBool::new(false));
    let stop = Arc::clone(&stopping);
    tokio::spawn(async move {
        stop_signal().await;
        stop.store(true, Ordering::SeqCst);
    });
    println!(
        "Worker {name}: reading {} of {} with the group {GROUP}",
        keys.stream(),
        redacted(&args.redis_url)
    );
    let second = Duration::from_secs_f64(args.scale);
    let claim_after = claim_after(args.scale);
    while !stopping.load(Ordering::SeqCst) {
        // Waits at most half a second, so a stop is seen soon.
        let Some(order) = broker.next_for(&name, claim_after).await? else {
            continue;
        };
        if let Some((from, idle)) = &order.claimed_from {
            println!(
                "Worker {name}: took over order #{} from {from}, silent for {:.1} s",
                order.id,
                idle.as_secs_f64()
            );
        }
        println!(
            "Worker {name}: Processing order #{} ({} s)",
            order.id, order.seconds
        );
        tokio::time::sleep(second * order.seconds).await;
        broker.finish(&order, &name).await?;
        println!("Worker {name}: Processed order #{}", order.id);
    }
    println!("Worker {name}: stopping, no order in hand");
    Ok(())
}

/// What the web app's handler shares: the broker, the order times, and
/// what it accepted.
pub struct Shop {
    broker: Broker,
    rng: Mutex<StdRng>,
    closing: AtomicBool,
    accepted: Mutex<Vec<u64>>,
    turned_away: AtomicU64,
}

impl Shop {
    /// A shop putting orders on `broker`; order times come from `seed`.
    pub fn new(broker: Broker, seed: u64) -> Self {
        Self {
            broker,
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            closing: AtomicBool::new(false),
            accepted: Mutex::new(Vec::new()),
            turned_away: AtomicU64::new(0),
        }
    }

    /// The numbers of the orders this shop accepted.
    pub fn accepted(&self) -> Vec<u64> {
        self.accepted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// How many orders came after closing and were answered 503.
    pub fn turned_away(&self) -> u64 {
        self.turned_away.load(Ordering::SeqCst)
    }
}

async fn place_order(State(shop): State<Arc<Shop>>) -> Response {
    if shop.closing.load(Ordering::SeqCst) {
        shop.turned_away.fetch_add(1, Ordering::SeqCst);
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "The shop is closing: no new orders\n",
        )
            .into_response();
    }
    let seconds = shop
        .rng
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .random_range(0..5);
    // The client hears "placed" only after Redis has the order.
    match shop.broker.clone().place(seconds).await {
        Ok(id) => {
            shop.accepted
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(id);
            format!("Order #{id} placed!\n").into_response()
        }
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("The broker did not take the order: {e:#}\n"),
        )
            .into_response(),
    }
}

/// Serves `POST /order` until `stop` completes; then closes the shop (an
/// order from then on is answered 503) and lets the requests in flight
/// finish, for at most 10 s. Returns what `stop` returned.
pub async fn serve<T>(
    listener: tokio::net::TcpListener,
    shop: &Arc<Shop>,
    stop: impl Future<Output = T>,
) -> anyhow::Result<T> {
    let routes = axum::Router::new()
        .route("/order", post(place_order))
        .with_state(Arc::clone(shop));
    let (stop_serving, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut server = tokio::spawn(async move {
        axum::serve(listener, routes)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    let value = stop.await;
    shop.closing.store(true, Ordering::SeqCst);
    let _ = stop_serving.send(());
    if tokio::time::timeout(crate::order_server::SHUTDOWN_BOUND, &mut server)
        .await
        .is_err()
    {
        server.abort();
    }
    Ok(value)
}

/// Worker children, by name.
pub struct Workers {
    children: Vec<(String, Child)>,
    scale: f64,
}

impl Workers {
    /// Starts one worker child per name; `shown`: its lines on our stdout.
    pub fn start(
        url: &str,
        prefix: &str,
        names: &[String],
        scale: f64,
        shown: bool,
    ) -> anyhow::Result<Self> {
        let mut children = Vec::new();
        for name in names {
            let mut command = child_command("order-worker", shown);
            command.args(WorkerArgs::command_line(url, prefix, name, scale));
            children.push((name.clone(), spawn(command, "a worker")?));
        }
        Ok(Self { children, scale })
    }

    /// Kills worker `name` with SIGKILL, as a crash would: it finishes
    /// nothing, acknowledges nothing.
    pub async fn kill(&mut self, name: &str) -> anyhow::Result<()> {
        let at = self
            .children
            .iter()
            .position(|(n, _)| n == name)
            .ok_or_else(|| anyhow::anyhow!("no worker called {name}"))?;
        let (_, mut child) = self.children.remove(at);
        child.kill().await?;
        Ok(())
    }

    /// Stops every worker with SIGTERM (each finishes the order in hand)
    /// and waits; one still running after the bound is killed.
    pub async fn stop(mut self) {
        for (_, child) in &self.children {
            signal(child, nix::sys::signal::Signal::SIGTERM);
        }
        let bound = stop_bound(self.scale) + Duration::from_secs(2);
        for (name, child) in &mut self.children {
            if tokio::time::timeout(bound, child.wait()).await.is_err() {
                println!("worker {name} did not stop in time: killed");
                let _ = child.kill().await;
            }
        }
    }
}

/// The web app as a child (12.12).
pub struct AppChild {
    child: Child,
    /// Where it listens.
    pub address: SocketAddr,
}

impl AppChild {
    /// Starts the app on a free port and returns once it accepts
    /// connections (bounded); `shown`: its lines on our stdout.
    pub async fn start(url: &str, prefix: &str, seed: u64, shown: bool) -> anyhow::Result<Self> {
        let port = shared_util::net::bind_loopback_backlog(0, 1)?
            .local_addr()?
            .port();
        let mut command = child_command("order-app", shown);
        command.args(["--redis-url", url, "--prefix", prefix]);
        command.args(["--port", &port.to_string(), "--seed", &seed.to_string()]);
        let mut child = spawn(command, "the app")?;
        let address = shared_util::net::loopback(port);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            if tokio::net::TcpStream::connect(address).await.is_ok() {
                return Ok(Self { child, address });
            }
            if let Ok(Some(status)) = child.try_wait() {
                anyhow::bail!("the app exited ({status}) before listening");
            }
            if tokio::time::Instant::now() > deadline {
                let _ = child.kill().await;
                anyhow::bail!("the app did not listen within 10 s");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Kills it with SIGKILL, as a crash would.
    pub async fn kill(mut self) -> anyhow::Result<()> {
        self.child.kill().await?;
        Ok(())
    }

    /// Sends it SIGINT, as Ctrl-C would, and waits for it to exit.
    pub async fn interrupt(mut self) -> anyhow::Result<()> {
        signal(&self.child, nix::sys::signal::Signal::SIGINT);
        match tokio::time::timeout(Duration::from_secs(15), self.child.wait()).await {
            Ok(status) => {
                let status = status?;
                anyhow::ensure!(status.success(), "the app exited with {status}");
                Ok(())
            }
            Err(_) => {
                let _ = self.child.kill().await;
                anyhow::bail!("the app did not stop within 15 s of SIGINT")
            }
        }
    }
}

/// `chapter12 __worker NAME`, tied to this thread, in a process group of
/// its own, its output on ours when `shown` (its errors always).
fn child_command(name: &str, shown: bool) -> tokio::process::Command {
    use std::os::unix::process::CommandExt as _;
    let mut command = shared_util::ctx::tied_worker_command(name);
    command.process_group(0).stdin(Stdio::null());
    if !shown {
        command.stdout(Stdio::null());
    }
    let mut command = tokio::process::Command::from(command);
    command.kill_on_drop(true);
    command
}

fn spawn(mut command: tokio::process::Command, what: &str) -> anyhow::Result<Child> {
    command
        .spawn()
        .map_err(|e| anyhow::anyhow!("could not start {what}: {e}"))
}

fn signal(child: &Child, signal: nix::sys::signal::Signal) {
    if let Some(pid) = child.id() {
        let pid = nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap_or(i32::MAX));
        let _ = nix::sys::signal::kill(pid, signal);
    }
}
