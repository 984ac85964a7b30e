//! Runs the demo server on its own, for curl and for a listing's `--url`.
//!
//! ```text
//! cargo run -p shared-util --bin demo-server -- --port 8080 --latency-ms 10
//! curl http://127.0.0.1:8080/delay/250
//! ```

use std::process::ExitCode;
use std::time::Duration;

use shared_util::demo_server::{DemoConfig, DemoServer};

const HELP: &str = "\
The workspace's offline stand-in for example.com.

Usage: demo-server [--port PORT] [--latency-ms MS]

Options:
  --port PORT       port to listen on (127.0.0.1 only); 0 picks a free one [default: 8080]
  --latency-ms MS   latency added to every request, in milliseconds [default: 0]
  -h, --help        print this help";

/// The two flags, parsed by hand: shared-util stays free of argument
/// parsers (the runner crate owns the chapters' command line).
#[derive(Debug)]
struct Args {
    port: u16,
    latency_ms: u64,
}

/// `Ok(None)` for `--help`; `Err` with a message for anything else wrong.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        port: 8080,
        latency_ms: 0,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        let mut value = |what: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value ({what})"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => {
                let text = value("a port, 0-65535")?;
                parsed.port = text.parse().map_err(|_| {
                    format!("invalid value '{text}' for --port: give a port, 0-65535")
                })?;
            }
            "--latency-ms" => {
                let text = value("milliseconds")?;
                parsed.latency_ms = text.parse().map_err(|_| {
                    format!("invalid value '{text}' for --latency-ms: give a whole number of milliseconds")
                })?;
            }
            other => return Err(format!("unexpected argument '{other}'")),
        }
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\nUsage: demo-server [--port PORT] [--latency-ms MS]");
            return ExitCode::from(2);
        }
    };
    let config = DemoConfig {
        port: args.port,
        latency: Duration::from_millis(args.latency_ms),
    };
    let server = match DemoServer::start_with(config) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "demo server listening on {} (latency {} ms): try {0}/, {0}/delay/250, {0}/status/503",
        server.url(),
        args.latency_ms
    );
    println!("Ctrl-C to stop");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime builds");
    if let Err(e) = runtime.block_on(tokio::signal::ctrl_c()) {
        eprintln!("error: could not listen for Ctrl-C: {e}");
        return ExitCode::FAILURE;
    }
    let stats = server.stats();
    println!(
        "\nstopping: served {} request(s), at most {} at once",
        stats.requests, stats.peak_in_flight
    );
    server.shutdown();
    ExitCode::SUCCESS
}
