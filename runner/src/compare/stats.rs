//! Statistics: the samples of each row, and their summary (median,
//! minimum, maximum, the ratio to the first row, the rate of work).

use std::time::Duration;

use super::plan::Row;

/// One run of one listing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Wall-clock time from spawn to exit.
    pub wall: Duration,
    /// User + system CPU time of the child and the children it waited for.
    pub cpu: Duration,
    /// Peak resident memory of the child, in bytes (0 if unknown).
    pub peak_rss: u64,
    /// Units of work done in `wall`, when a load tool reported them (0
    /// otherwise).
    pub work: u64,
    /// The 99th percentile of the work's latency, when the load reported it.
    pub p99: Option<Duration>,
}

/// The recorded runs of every listing, in plan order.
#[derive(Debug, Clone)]
pub struct Results {
    /// Per row: what ran, and its samples.
    pub rows: Vec<(Row, Vec<Sample>)>,
    /// What the load counted (`round-trips`), when it reported work.
    pub unit: Option<String>,
}

/// Summary numbers of one listing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Median wall time.
    pub median: Duration,
    /// Fastest run.
    pub min: Duration,
    /// Slowest run.
    pub max: Duration,
    /// Median CPU time.
    pub cpu: Duration,
    /// Largest peak memory over the runs.
    pub peak_rss: u64,
    /// Median over rounds of (this listing's wall time / the first's):
    /// below 1 means faster than the first listing.
    pub ratio: f64,
    /// Median work per second, when a load reported its work.
    pub rate: Option<f64>,
}

impl Results {
    /// Summaries in plan order.
    pub fn summaries(&self) -> Vec<Summary> {
        let baseline = &self.rows[0].1;
        self.rows
            .iter()
            .map(|(_, samples)| {
                let walls: Vec<f64> = samples.iter().map(|s| s.wall.as_secs_f64()).collect();
                let cpus: Vec<f64> = samples.iter().map(|s| s.cpu.as_secs_f64()).collect();
                let ratios: Vec<f64> = samples
                    .iter()
                    .zip(baseline)
                    .map(|(s, b)| s.wall.as_secs_f64() / b.wall.as_secs_f64().max(1e-9))
                    .collect();
                Summary {
                    median: Duration::from_secs_f64(median(&walls)),
                    min: Duration::from_secs_f64(
                        walls.iter().copied().fold(f64::INFINITY, f64::min),
                    ),
                    max: Duration::from_secs_f64(walls.iter().copied().fold(0.0, f64::max)),
                    cpu: Duration::from_secs_f64(median(&cpus)),
                    peak_rss: samples.iter().map(|s| s.peak_rss).max().unwrap_or(0),
                    ratio: median(&ratios),
                    rate: {
                        let rates: Vec<f64> = samples
                            .iter()
                            .filter(|s| s.work > 0)
                            .map(|s| s.work as f64 / s.wall.as_secs_f64().max(1e-9))
                            .collect();
                        (!rates.is_empty()).then(|| median(&rates))
                    },
                }
            })
            .collect()
    }
}

pub(crate) fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
