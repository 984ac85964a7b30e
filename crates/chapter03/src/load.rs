//! The `load` tool: many clients against any echo server, every byte checked.
//!
//! `cargo run --release -p chapter03 -- load --addr 127.0.0.1:8000
//! --clients 1000 --messages 100 --size 1024 [--idle N]`
//!
//! Each client connects, then for every message sends a payload of
//! pseudo-random bytes (different for every client and message) while
//! reading the echo back, and compares the echo byte by byte. `--idle N`
//! first opens N connections that send nothing while the clients run, and
//! checks afterwards that every one of them still echoes. The report gives
//! connections, messages, verified bytes, errors, round-trips per second
//! and the latency percentiles; the exit code is 1 if anything failed.
//! It speaks plain TCP and expects nothing but an echo, so it measures our
//! servers (3.7, 3.8, 3.10) and anyone else's alike.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// The load tool's flags: `cargo run -p chapter03 -- load --help`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The echo server's address.
    #[arg(long, default_value = "127.0.0.1:8000")]
    addr: String,
    /// Clients that send messages, all at once.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    clients: u64,
    /// Messages each client sends (and waits to have echoed) one after another.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    messages: u64,
    /// Bytes per message (1 byte to 64 MiB).
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=64 << 20))]
    size: u64,
    /// Connections to open first and keep idle during the run (checked at the end).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    idle: u64,
    /// Seconds any one connect, send or receive may take before it counts as an error.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
    /// The server's process id: report its resident memory before and after
    /// the idle connections (Linux).
    #[arg(long, value_name = "PID")]
    server_pid: Option<u32>,
}

/// What went wrong, counted per kind.
#[derive(Default)]
struct Tally {
    errors: std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
    bytes_verified: AtomicU64,
    messages: AtomicU64,
    connected: AtomicU64,
}

impl Tally {
    fn error(&self, what: String) {
        *self
            .errors
            .lock()
            .expect("no panics while locked")
            .entry(what)
            .or_default() += 1;
    }
    fn error_count(&self) -> u64 {
        self.errors
            .lock()
            .expect("no panics while locked")
            .values()
            .sum()
    }
}

impl runner::ToolMain for Args {
    fn main(self) -> ExitCode {
        main(&self)
    }
}

/// Runs the load described by `args`; exit code 1 if anything failed.
fn main(args: &Args) -> ExitCode {
    let address: SocketAddr = match args.addr.parse() {
        Ok(address) => address,
        Err(_) => {
            eprintln!(
                "error: --addr must be IP:PORT, e.g. 127.0.0.1:8000 (got '{}')",
                args.addr
            );
            return ExitCode::from(2);
        }
    };
    report_fd_limit(args.clients + args.idle);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: could not start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    if runtime.block_on(load(address, args)) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Raises the soft descriptor limit if this run needs more, and says what it did.
fn report_fd_limit(connections: u64) {
    let needed = connections + 64;
    match crate::sys::raise_fd_limit(needed.max(1024)) {
        Ok(limit) if limit.now >= needed => {
            if limit.now > limit.before {
                println!(
                    "file descriptors: raised the soft limit from {} to {} (hard limit {})",
                    limit.before, limit.now, limit.hard
                );
            }
        }
        Ok(limit) => println!(
            "warning: {connections} connections need about {needed} file descriptors but the hard limit is {}; expect connect errors (raise it with `ulimit -Hn` as root, or in /etc/security/limits.conf)",
            limit.hard
        ),
        Err(e) => println!("warning: could not read or raise the file-descriptor limit: {e}"),
    }
}

async fn load(address: SocketAddr, args: &Args) -> bool {
    let tally = Arc::new(Tally::default());
    let limit = Duration::from_secs(args.timeout);
    let rss_before = args.server_pid.and_then(crate::sys::resident_bytes);

    // Idle connections first, a few hundred connects at a time.
    let idle: Vec<TcpStream> = futures::stream::iter(0..args.idle)
        .map(|_| async move { tokio::time::timeout(limit, TcpStream::connect(address)).await })
        .buffer_unordered(256)
        .filter_map(|outcome| {
            let tally = Arc::clone(&tally);
            async move {
                match outcome {
                    Ok(Ok(stream)) => Some(stream),
                    Ok(Err(e)) => {
                        tally.error(format!("idle connect: {e}"));
                        None
                    }
                    Err(_) => {
                        tally.error("idle connect: timed out".into());
                        None
                    }
                }
            }
        })
        .collect()
        .await;
    if args.idle > 0 {
        println!("holding {} idle connection(s)", idle.len());
        if let (Some(pid), Some(before)) = (args.server_pid, rss_before) {
            tokio::time::sleep(Duration::from_millis(500)).await; // let the server accept them all
            if let Some(after) = crate::sys::resident_bytes(pid) {
                let per = after.saturating_sub(before) as f64 / idle.len().max(1) as f64;
                println!(
                    "server resident memory: {:.1} MiB before, {:.1} MiB with them: {:.2} KiB per idle connection",
                    before as f64 / 1048576.0,
                    after as f64 / 1048576.0,
                    per / 1024.0
                );
            }
        }
    }

    let started = Instant::now();
    let clients: Vec<_> = (0..args.clients)
        .map(|client| {
            tokio::spawn(run_client(
                address,
                client,
                args.messages,
                args.size as usize,
                limit,
                Arc::clone(&tally),
            ))
        })
        .collect();
    let mut latencies = Vec::new();
    for client in clients {
        match client.await {
            Ok(times) => latencies.extend(times),
            Err(e) => tally.error(format!("client task: {e}")),
        }
    }
    let elapsed = started.elapsed();

    let mut idle_ok = 0;
    for (n, mut stream) in idle.into_iter().enumerate() {
        let byte = [n as u8];
        let mut echo = [0u8; 1];
        let check = async {
            stream.write_all(&byte).await?;
            stream.read_exact(&mut echo).await
        };
        match tokio::time::timeout(limit, check).await {
            Ok(Ok(_)) if echo == byte => idle_ok += 1,
            Ok(Ok(_)) => tally.error("idle connection: wrong echo".into()),
            Ok(Err(e)) => tally.error(format!("idle connection: {e}")),
            Err(_) => tally.error("idle connection: no echo in time".into()),
        }
    }

    latencies.sort_unstable();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    // For `compare echo`: the verified round trips, the time they took and
    // their 99th-percentile latency.
    runner::compare::report_work(
        tally.messages.load(Ordering::Relaxed),
        "round-trips",
        elapsed,
        Some(percentile(0.99)),
    );
    let messages = tally.messages.load(Ordering::Relaxed);
    let errors = tally.error_count();
    println!("server:           {address}");
    println!(
        "connections made: {} of {} active, {idle_ok} of {} idle (still echoing at the end)",
        tally.connected.load(Ordering::Relaxed),
        args.clients,
        args.idle
    );
    println!(
        "messages:         {messages} of {} echoed and verified ({} bytes each)",
        args.clients * args.messages,
        args.size
    );
    println!(
        "bytes verified:   {}",
        tally.bytes_verified.load(Ordering::Relaxed)
    );
    println!("errors:           {errors}");
    for (what, count) in tally
        .errors
        .lock()
        .expect("no panics while locked")
        .iter()
        .take(10)
    {
        println!("  {count} × {what}");
    }
    println!("elapsed:          {:.3} s", elapsed.as_secs_f64());
    println!(
        "round-trips/s:    {:.0}",
        messages as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    println!(
        "latency:          p50 {:.3} ms, p99 {:.3} ms",
        ms(percentile(0.50)),
        ms(percentile(0.99))
    );
    errors == 0 && messages == args.clients * args.messages
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// One client: connect, then send every message and verify its echo.
/// Returns the round-trip time of each verified message.
async fn run_client(
    address: SocketAddr,
    client: u64,
    messages: u64,
    size: usize,
    limit: Duration,
    tally: Arc<Tally>,
) -> Vec<Duration> {
    let mut times = Vec::with_capacity(messages as usize);
    let mut stream = match tokio::time::timeout(limit, TcpStream::connect(address)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => {
            tally.error(format!("connect: {e}"));
            return times;
        }
        Err(_) => {
            tally.error("connect: timed out".into());
            return times;
        }
    };
    tally.connected.fetch_add(1, Ordering::Relaxed);
    let _ = stream.set_nodelay(true);
    let mut payload = vec![0u8; size];
    let mut echo = vec![0u8; size];
    for message in 0..messages {
        fill(&mut payload, client << 32 | message);
        let sent = Instant::now();
        let (mut reader, mut writer) = stream.split();
        // Send and receive at once: a server echoing a big message would
        // otherwise block on a client that is still busy sending.
        let exchange =
            async { tokio::try_join!(writer.write_all(&payload), reader.read_exact(&mut echo)) };
        match tokio::time::timeout(limit, exchange).await {
            Ok(Ok(_)) if echo == payload => {
                times.push(sent.elapsed());
                tally.messages.fetch_add(1, Ordering::Relaxed);
                tally
                    .bytes_verified
                    .fetch_add(size as u64, Ordering::Relaxed);
            }
            Ok(Ok(_)) => {
                let at = echo
                    .iter()
                    .zip(&payload)
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                tally.error(format!(
                    "echo differs from what was sent (first at byte {at} of a message)"
                ));
                return times;
            }
            Ok(Err(e)) => {
                tally.error(format!("exchange: {e}"));
                return times;
            }
            Err(_) => {
                tally.error("exchange: no full echo in time".into());
                return times;
            }
        }
    }
    times
}

/// Fills `buffer` with bytes that depend on `seed` (xorshift64*).
fn fill(buffer: &mut [u8], seed: u64) {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for chunk in buffer.chunks_mut(8) {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let word = state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_differ_per_seed_and_repeat_per_seed() {
        let (mut a, mut b, mut c) = (vec![0; 100], vec![0; 100], vec![0; 100]);
        fill(&mut a, 1);
        fill(&mut b, 2);
        fill(&mut c, 1);
        assert_ne!(a, b);
        assert_eq!(a, c);
    }
}
