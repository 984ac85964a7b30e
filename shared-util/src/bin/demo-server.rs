//! Runs the demo server on its own, for curl and for a listing's `--url`.
//!
//! ```text
//! cargo run -p shared-util --bin demo-server -- --port 8080 --latency-ms 10
//! curl http://127.0.0.1:8080/delay/250
//! ```

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use shared_util::demo_server::{DemoConfig, DemoServer};

/// The workspace's offline stand-in for example.com.
#[derive(Debug, Parser)]
#[command(name = "demo-server")]
struct Args {
    /// Port to listen on (127.0.0.1 only); 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
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
