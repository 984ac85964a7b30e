//! A small load loop for the backend-for-frontend: `10.8 --demo
//! --requests N --limit C` sends N requests, C at a time, and prints the
//! statuses, the median and 99th-percentile latency and the throughput.
//! Numbers, not a lesson: they belong in the docs' table, never in a test.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt as _;
use tokio::time::Instant;

/// What the load loop measured.
#[derive(Debug)]
pub struct Report {
    /// How many answers of each status (0: no answer).
    pub statuses: BTreeMap<u16, usize>,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub elapsed: Duration,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total: usize = self.statuses.values().sum();
        let statuses: Vec<String> = self
            .statuses
            .iter()
            .map(|(status, count)| format!("{count} x {status}"))
            .collect();
        write!(
            f,
            "{total} request(s) in {:.2} s ({:.0}/s): {}; latency p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            self.elapsed.as_secs_f64(),
            total as f64 / self.elapsed.as_secs_f64().max(1e-9),
            statuses.join(", "),
            self.p50.as_secs_f64() * 1000.0,
            self.p99.as_secs_f64() * 1000.0,
            self.max.as_secs_f64() * 1000.0,
        )
    }
}

/// GETs `url` `requests` times, `clients` at a time.
pub async fn run(url: &str, requests: usize, clients: usize) -> anyhow::Result<Report> {
    let client = crate::services::client()?;
    let start = Instant::now();
    let mut answers: Vec<(u16, Duration)> = futures::stream::iter(0..requests)
        .map(|_| {
            let request = client.get(url);
            async move {
                let sent = Instant::now();
                let status = match request.send().await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        match response.bytes().await {
                            Ok(_) => status,
                            Err(_) => 0,
                        }
                    }
                    Err(_) => 0,
                };
                (status, sent.elapsed())
            }
        })
        .buffer_unordered(clients.max(1))
        .collect()
        .await;
    let elapsed = start.elapsed();
    answers.sort_by_key(|&(_, latency)| latency);
    let at = |q: f64| {
        let index = ((answers.len() as f64 * q).ceil() as usize).clamp(1, answers.len().max(1)) - 1;
        answers.get(index).map_or(Duration::ZERO, |a| a.1)
    };
    let mut statuses = BTreeMap::new();
    for (status, _) in &answers {
        *statuses.entry(*status).or_insert(0) += 1;
    }
    Ok(Report {
        statuses,
        p50: at(0.50),
        p99: at(0.99),
        max: answers.last().map_or(Duration::ZERO, |a| a.1),
        elapsed,
    })
}
