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
#[derive(Debug, PartialEq, Eq)]
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
            None => (arg.clone(), None),
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
            _ => return Err(format!("unexpected argument '{arg}'")),
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
        "demo server listening on {} (latency {} ms): try {0}/, {0}/delay/250, {0}/status/503, {0}/site/0",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_args(args: &[&str]) -> Result<Option<Args>, String> {
        parse(args.iter().map(|arg| (*arg).to_owned()))
    }

    fn args(port: u16, latency_ms: u64) -> Option<Args> {
        Some(Args { port, latency_ms })
    }

    #[test]
    fn no_flags_give_the_defaults() {
        assert_eq!(parse_args(&[]), Ok(args(8080, 0)));
    }

    #[test]
    fn both_flags_parse_with_a_space_or_an_equals_sign() {
        assert_eq!(
            parse_args(&["--port", "9000", "--latency-ms", "25"]),
            Ok(args(9000, 25))
        );
        assert_eq!(
            parse_args(&["--latency-ms=25", "--port=9000"]),
            Ok(args(9000, 25))
        );
    }

    #[test]
    fn port_zero_asks_for_a_free_port() {
        assert_eq!(parse_args(&["--port=0"]), Ok(args(0, 0)));
        assert_eq!(parse_args(&["--port", "0"]), Ok(args(0, 0)));
    }

    #[test]
    fn help_stops_parsing_and_asks_for_the_help_text() {
        assert_eq!(parse_args(&["--help"]), Ok(None));
        assert_eq!(parse_args(&["-h", "--bogus"]), Ok(None));
        assert_eq!(parse_args(&["--port", "1", "--help"]), Ok(None));
    }

    #[test]
    fn a_bad_value_names_the_flag_and_what_it_takes() {
        assert_eq!(
            parse_args(&["--port", "70000"]),
            Err("invalid value '70000' for --port: give a port, 0-65535".to_owned())
        );
        assert_eq!(
            parse_args(&["--latency-ms=soon"]),
            Err(
                "invalid value 'soon' for --latency-ms: give a whole number of milliseconds"
                    .to_owned()
            )
        );
    }

    #[test]
    fn an_unknown_flag_is_named_whole() {
        assert_eq!(
            parse_args(&["--verbose"]),
            Err("unexpected argument '--verbose'".to_owned())
        );
        assert_eq!(
            parse_args(&["--colour=always"]),
            Err("unexpected argument '--colour=always'".to_owned())
        );
        assert_eq!(
            parse_args(&["8080"]),
            Err("unexpected argument '8080'".to_owned())
        );
    }

    #[test]
    fn a_missing_value_says_what_to_give() {
        assert_eq!(
            parse_args(&["--port"]),
            Err("--port needs a value (a port, 0-65535)".to_owned())
        );
        assert_eq!(
            parse_args(&["--port", "1", "--latency-ms"]),
            Err("--latency-ms needs a value (milliseconds)".to_owned())
        );
    }
}
