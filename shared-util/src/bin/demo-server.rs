//! Runs the demo server on its own, for curl and for a listing's `--url`.
//!
//! ```text
//! cargo run -p shared-util --bin demo-server -- --port 8080 --latency-ms 10
//! curl http://127.0.0.1:8080/delay/250
//! ```
//!
//! With `--log` it prints each request as it arrives, and how many are in
//! flight: run listing 4.6 with `--url http://127.0.0.1:8080/delay/300` and
//! watch its 1000 requests come in before the first is answered.

use std::process::ExitCode;
use std::time::Duration;

use shared_util::demo::server::{DemoConfig, DemoServer, Limits, ROUTES};
use tokio::signal::unix::{SignalKind, signal};

const HELP: &str = "\
The workspace's offline stand-in for example.com.

Usage: demo-server [--port PORT] [--latency-ms MS] [--log]

Options:
  --port PORT       port to listen on (127.0.0.1 only); 0 picks a free one [default: 8080]
  --latency-ms MS   latency added to every request, in milliseconds [default: 0]
  --log             print each request as it arrives, with the number in flight
  -h, --help        print this help";

/// The flags, parsed by hand: shared-util stays free of argument
/// parsers (the runner crate owns the chapters' command line).
#[derive(Debug, PartialEq, Eq)]
struct Args {
    port: u16,
    latency_ms: u64,
    log: bool,
}

/// `Ok(None)` for `--help`; `Err` with a message for anything else wrong.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        port: 8080,
        latency_ms: 0,
        log: false,
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
            "--log" if inline.is_none() => parsed.log = true,
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
            say(format_args!("{HELP}"));
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!(
                "error: {message}\n\nUsage: demo-server [--port PORT] [--latency-ms MS] [--log]"
            );
            return ExitCode::from(2);
        }
    };
    let config = DemoConfig {
        port: args.port,
        latency: Duration::from_millis(args.latency_ms),
        log: args.log,
    };
    let server = match DemoServer::start_with(config) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: could not build a runtime to wait for Ctrl-C: {e}");
            return ExitCode::FAILURE;
        }
    };
    // One stream for both Ctrl-Cs, listening before the banner says Ctrl-C
    // stops the server: a second one that arrives while the first is being
    // reported is kept for the `select!` below, where a fresh `ctrl_c()`
    // would miss it.
    let interrupt = {
        let _entered = runtime.enter();
        signal(SignalKind::interrupt())
    };
    let mut interrupt = match interrupt {
        Ok(interrupt) => interrupt,
        Err(e) => {
            eprintln!("error: could not listen for Ctrl-C: {e}");
            return ExitCode::FAILURE;
        }
    };
    let examples: Vec<String> = ROUTES
        .iter()
        .map(|route| format!("{}{}", server.url(), route.example))
        .collect();
    say(format_args!(
        "demo server listening on {} (latency {} ms): try {}",
        server.url(),
        args.latency_ms,
        examples.join(", ")
    ));
    say(format_args!("Ctrl-C to stop"));
    let code = runtime.block_on(async move {
        interrupt.recv().await;
        let stats = server.stats();
        say(format_args!(
            "\nstopping: served {} request(s), at most {} at once; waiting up to {} s for requests in flight (Ctrl-C again to quit now)",
            stats.requests,
            stats.peak_in_flight,
            Limits::default().grace.as_secs()
        ));
        // The shutdown joins the server's thread: off this runtime, so a
        // second Ctrl-C is still heard while it waits.
        let stopping = tokio::task::spawn_blocking(move || server.shutdown());
        tokio::select! {
            _ = stopping => {
                say(format_args!("stopped"));
                ExitCode::SUCCESS
            }
            _ = interrupt.recv() => {
                say(format_args!("interrupted again: quitting without waiting"));
                // 128 + SIGINT, as a shell reports a process Ctrl-C ended.
                ExitCode::from(130)
            }
        }
    });
    // Do not wait for a shutdown the second Ctrl-C cut short.
    runtime.shutdown_background();
    code
}

/// Prints a line if stdout is still there: with the terminal gone (stdout
/// closed) the server goes on serving and stops cleanly on Ctrl-C, where
/// `println!` would panic.
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_args(args: &[&str]) -> Result<Option<Args>, String> {
        parse(args.iter().map(|arg| (*arg).to_owned()))
    }

    fn args(port: u16, latency_ms: u64) -> Option<Args> {
        Some(Args {
            port,
            latency_ms,
            log: false,
        })
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
    fn log_is_a_switch() {
        let logged = parse_args(&["--log", "--port", "0"]).unwrap().unwrap();
        assert!(logged.log);
        assert_eq!((logged.port, logged.latency_ms), (0, 0));
        assert_eq!(
            parse_args(&["--log=yes"]),
            Err("unexpected argument '--log=yes'".to_owned())
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
