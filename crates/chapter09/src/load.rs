//! The `load` tool: many connections sending GETs to one URL for a while,
//! each answer checked and timed — what 9.8a and `compare brands` measure
//! servers with.
//!
//! `cargo run --release -p chapter09 -- load --url http://127.0.0.1:8080/brands
//! --connections 100 --seconds 5`
//!
//! Each connection is a keep-alive HTTP/1.1 connection (hyper's client,
//! no pool, nothing between us and the socket) that sends a request, reads
//! the whole answer, and sends the next, until the time is up: closed-loop
//! load, so a slow server gets fewer requests rather than a growing queue.
//! A written-for-the-chapter tool rather than `oha` or `wrk`: those are
//! large installs (oha pulls a terminal UI), and this one reports exactly
//! what the chapter needs — answers per second and p50/p99 latency — and
//! writes the count where `compare` reads it.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{Request, Uri};
use http_body_util::{BodyExt as _, Empty};
use hyper_util::rt::TokioIo;

/// The load tool's flags: `cargo run -p chapter09 -- load --help`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The URL every request asks for (http only).
    #[arg(long, default_value = "http://127.0.0.1:8080/brands")]
    url: String,
    /// Connections, each sending one request after another.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    connections: u64,
    /// How long to send requests, in seconds.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
}

/// What a run of the load saw.
#[derive(Debug, Default)]
pub struct Report {
    /// Answers with a 2xx status, whole body read.
    pub ok: u64,
    /// Everything else, counted per kind.
    pub errors: BTreeMap<String, u64>,
    /// From the first request to the last answer.
    pub elapsed: Duration,
    /// Every 2xx answer's latency, sorted.
    pub latencies: Vec<Duration>,
}

impl Report {
    /// 2xx answers per second.
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The latency below which a fraction `p` of the answers came.
    pub fn percentile(&self, p: f64) -> Duration {
        let n = self.latencies.len();
        if n == 0 {
            return Duration::ZERO;
        }
        self.latencies[((n as f64 * p).ceil() as usize).clamp(1, n) - 1]
    }

    /// How many requests failed.
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

impl runner::ToolMain for Args {
    fn main(self) -> ExitCode {
        let uri = match self.url.parse::<Uri>() {
            Ok(uri) if uri.scheme_str() == Some("http") && uri.host().is_some() => uri,
            _ => {
                eprintln!(
                    "error: --url must be an http:// URL with a host, not '{}'",
                    self.url
                );
                return ExitCode::from(2);
            }
        };
        if !(self.seconds > 0.0 && self.seconds <= 3600.0) {
            eprintln!("error: --seconds must be more than 0 and at most 3600");
            return ExitCode::from(2);
        }
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => {
                eprintln!("error: could not start the runtime: {e}");
                return ExitCode::from(1);
            }
        };
        let duration = Duration::from_secs_f64(self.seconds);
        let report = runtime.block_on(load(&uri, self.connections as usize, duration));
        runner::compare::report_work(
            report.ok,
            "requests",
            report.elapsed,
            Some(report.percentile(0.99)),
        );
        println!("url:          {uri}");
        println!("connections:  {}", self.connections);
        println!(
            "answers:      {} ok in {:.2} s",
            report.ok,
            report.elapsed.as_secs_f64()
        );
        println!("requests/s:   {:.0}", report.per_second());
        println!(
            "latency:      p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            ms(report.percentile(0.50)),
            ms(report.percentile(0.99)),
            ms(report.percentile(1.0))
        );
        println!("errors:       {}", report.error_count());
        for (what, count) in report.errors.iter().take(10) {
            println!("  {count} × {what}");
        }
        if report.error_count() == 0 && report.ok > 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }
}

/// Milliseconds, for printing.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Sends GETs of `uri` over `connections` connections for `duration`.
pub async fn load(uri: &Uri, connections: usize, duration: Duration) -> Report {
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(connection(uri.clone(), deadline)))
        .collect();
    let mut report = Report::default();
    for task in tasks {
        match task.await {
            Ok(one) => {
                report.ok += one.ok;
                report.latencies.extend(one.latencies);
                for (what, count) in one.errors {
                    *report.errors.entry(what).or_default() += count;
                }
            }
            Err(e) => *report.errors.entry(format!("task: {e}")).or_default() += 1,
        }
    }
    report.elapsed = start.elapsed();
    report.latencies.sort_unstable();
    report
}

/// One connection's loop; reconnects if the server closes it (after an
/// answer that says `Connection: close`, that is no error).
async fn connection(uri: Uri, deadline: Instant) -> Report {
    let mut report = Report::default();
    let bound = Duration::from_secs(30);
    let host = uri.host().unwrap_or("127.0.0.1").to_owned();
    let address = format!("{host}:{}", uri.port_u16().unwrap_or(80));
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let error = |report: &mut Report, what: String| *report.errors.entry(what).or_default() += 1;
    'connect: while Instant::now() < deadline {
        let stream =
            match tokio::time::timeout(bound, tokio::net::TcpStream::connect(&address)).await {
                Ok(Ok(stream)) => stream,
                Ok(Err(e)) => {
                    error(&mut report, format!("connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
                Err(_) => {
                    error(&mut report, "connect: timed out".into());
                    continue;
                }
            };
        let _ = stream.set_nodelay(true);
        let (mut sender, driver) =
            match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await {
                Ok(pair) => pair,
                Err(e) => {
                    error(&mut report, format!("handshake: {e}"));
                    continue;
                }
            };
        tokio::spawn(driver);
        while Instant::now() < deadline {
            let request = Request::get(&path)
                .header("host", &host)
                .body(Empty::<Bytes>::new())
                .expect("a valid request");
            let sent = Instant::now();
            let exchange = async {
                let response = sender.send_request(request).await?;
                let status = response.status();
                // A server that closes after each answer (the blocking
                // server, as gunicorn's sync workers do) says so.
                let closes = response
                    .headers()
                    .get(hyper::header::CONNECTION)
                    .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
                response.into_body().collect().await?;
                Ok::<_, hyper::Error>((status, closes))
            };
            match tokio::time::timeout(bound, exchange).await {
                Ok(Ok((status, closes))) if status.is_success() => {
                    report.ok += 1;
                    report.latencies.push(sent.elapsed());
                    if closes {
                        continue 'connect;
                    }
                }
                Ok(Ok((status, _))) => error(&mut report, format!("HTTP {status}")),
                Ok(Err(e)) => {
                    error(&mut report, format!("exchange: {e}"));
                    continue 'connect;
                }
                Err(_) => {
                    error(&mut report, "no answer in 30 s".into());
                    continue 'connect;
                }
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_sorted_rank() {
        let report = Report {
            ok: 100,
            latencies: (1..=100).map(Duration::from_millis).collect(),
            elapsed: Duration::from_secs(2),
            ..Report::default()
        };
        assert_eq!(report.percentile(0.50), Duration::from_millis(50));
        assert_eq!(report.percentile(0.99), Duration::from_millis(99));
        assert_eq!(report.per_second(), 50.0);
    }
}
