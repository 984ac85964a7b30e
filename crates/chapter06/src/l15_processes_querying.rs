//! Listing 6.15 — Several processes, each with its own runtime and pool.
//!
//! Chapter 5's query, 10,000 times in one process, then in 5 at once, each
//! child this binary re-run (`__worker query-products`) against one server.
//! Each run says where the CPU went: the clients', the PostgreSQL backends'
//! (from `/proc`, when the server is on this machine) and other work's. The
//! book's processes help because one asyncio process is bound by its one
//! thread decoding rows; a Rust client costs a fraction of the server's CPU
//! per query, so the cores it shares with the server are the limit and more
//! processes add little. `--client-cpu-us N` adds N µs of client work per
//! query, as a Python driver spends, and the book's effect appears.
//!
//! Run: cargo run --release -p chapter06 -- 6.15

use std::io::BufRead as _;
use std::process::Stdio;
use std::time::Duration;

use shared_util::ctx::worker_command;
use shared_util::demo::products::{self, Stage};
use shared_util::timing::Stopwatch;
use shared_util::{Ctx, secs};

use crate::process::ChildProcess;

/// What a run of children did, added up over them.
struct Run {
    queries: usize,
    took: Duration,
    /// The children's own CPU time while they queried.
    client: Duration,
    /// The server processes' CPU time serving them, if it could be read.
    server: Option<Duration>,
    /// The whole machine's busy CPU time over the run (ours and others').
    machine: Option<Duration>,
}

impl Run {
    fn per_query(&self, cpu: Duration) -> f64 {
        cpu.as_secs_f64() * 1e6 / self.queries.max(1) as f64
    }

    fn per_second(&self) -> f64 {
        self.queries as f64 / self.took.as_secs_f64()
    }

    /// Prints the CPU per query and how busy the cores were, and with what.
    fn report(&self, cores: usize) {
        let busy =
            |cpu: Duration| 100.0 * cpu.as_secs_f64() / (self.took.as_secs_f64() * cores as f64);
        let ours = self.client + self.server.unwrap_or_default();
        let others = self.machine.map_or(String::new(), |machine| {
            format!(", {:.0}% other work", busy(machine.saturating_sub(ours)))
        });
        let total = self.machine.unwrap_or(ours).max(ours);
        match self.server {
            Some(server) => println!(
                "  CPU per query: client {:.0} µs, server {:.0} µs; the {cores} core(s) were {:.0}% busy: {:.0}% clients, {:.0}% server{others}",
                self.per_query(self.client),
                self.per_query(server),
                busy(total),
                busy(self.client),
                busy(server)
            ),
            None => println!(
                "  CPU per query: client {:.0} µs (the server is not on this machine: its CPU is not measured); the {cores} core(s) were {:.0}% busy: {:.0}% clients{others}",
                self.per_query(self.client),
                busy(total),
                busy(self.client)
            ),
        }
    }
}

/// Runs `processes` children at once, each querying `queries` times over
/// a pool of 6; echoes what they print; adds up what they report.
fn query_in_processes(
    url: &str,
    processes: usize,
    queries: usize,
    client_us: u64,
) -> anyhow::Result<Run> {
    let stopwatch = Stopwatch::start();
    let machine_before = shared_util::sys::machine_cpu();
    let mut children = Vec::new();
    for _ in 0..processes {
        let mut command = worker_command("query-products");
        command
            .args([url, &queries.to_string(), "6", &client_us.to_string()])
            .stdout(Stdio::piped());
        children.push(ChildProcess::spawn(&mut command)?);
    }
    let (mut retrieved, mut client, mut server) = (0, Duration::ZERO, Some(Duration::ZERO));
    for mut child in children {
        let stdout = child.take_stdout().expect("piped above");
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line?;
            if let Some(count) = line.strip_prefix("retrieved ") {
                retrieved += count.parse::<usize>()?;
            } else if let Some(cpu) = line.strip_prefix("cpu ") {
                let (ours, theirs) = cpu.split_once(' ').unwrap_or((cpu, "?"));
                client += Duration::from_micros(ours.parse()?);
                let theirs = theirs.parse().ok().map(Duration::from_micros);
                server = server.zip(theirs).map(|(sum, one)| sum + one);
            } else {
                println!("  process {}: {line}", child.id());
            }
        }
        child.join()?;
    }
    let machine = machine_before
        .zip(shared_util::sys::machine_cpu())
        .map(|((before, _), (after, _))| after.saturating_sub(before));
    Ok(Run {
        queries: retrieved,
        took: stopwatch.elapsed(),
        client,
        server,
        machine,
    })
}

/// Says which limit the one-process run met: its client's one thread, or
/// the cores it shares with the server.
fn why(one: &Run, cores: usize) {
    let Some(server) = one.server else { return };
    let (client, server) = (one.per_query(one.client), one.per_query(server));
    let one_thread = 1e6 / client.max(f64::EPSILON);
    let all_cores = cores as f64 * 1e6 / (client + server).max(f64::EPSILON);
    println!(
        "why: one client's thread could drive at most {one_thread:.0} queries a second ({client:.0} µs of CPU each); the {cores} core(s), shared with the server, at most {all_cores:.0} ({:.0} µs each, client and server)",
        client + server
    );
    if one_thread < all_cores {
        println!(
            "so one client's thread is the limit, as in the book: more processes add client threads until the cores are full"
        );
    } else {
        println!(
            "so the cores shared with the server are the limit, not the client: more processes add little, and on a busy machine they only crowd the server (--client-cpu-us 1000 makes the client the limit, as the book's is)"
        );
    }
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let options = ctx.options::<crate::Options>();
    let url = ctx.database_url()?;
    // Built once here, so the children only query.
    products::prepare_blocking(&url, Stage::Products, products::DEFAULT_SEED)?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    if options.client_cpu_us > 0 {
        println!(
            "each query costs its client {} µs of extra CPU work (--client-cpu-us)",
            options.client_cpu_us
        );
    }

    let one = query_in_processes(url.as_str(), 1, options.queries, options.client_cpu_us)?;
    println!(
        "one process: {} queries in {} second(s)",
        one.queries,
        secs(one.took)
    );
    one.report(cores);

    let all = query_in_processes(
        url.as_str(),
        options.processes,
        options.queries,
        options.client_cpu_us,
    )?;
    println!(
        "{} processes at once: {} queries in {} second(s)",
        options.processes,
        all.queries,
        secs(all.took)
    );
    all.report(cores);
    println!("Retrieved {} products the product database.", all.queries);
    println!(
        "queries per second: {:.0} in one process, {:.0} in {}",
        one.per_second(),
        all.per_second(),
        options.processes
    );
    why(&one, cores);
    Ok(())
}
