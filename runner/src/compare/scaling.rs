//! Scaling sets: the same work on 1, 2, 4, ... threads, each row pinned to
//! as many CPUs as it has threads, and a table of speedup and efficiency.
//!
//! A server (`Share::Half`) gets the first half of the CPUs this process
//! may use and its load the other half, so adding workers never takes
//! cores from the load; work that ends by itself (`Share::All`) may grow
//! to every CPU. Each row's speedup is against its family's one-thread
//! row (the Rust rows against the Rust one, the Python rows against the
//! Python one), and its efficiency is speedup ÷ threads: 100% means every
//! added thread did a whole thread's work.

use crate::chapter::{Scaling, Share};

use super::stats::{Results, median};

/// The thread counts on `cpus` CPUs: powers of two up to the share, and
/// the share itself when it is not one.
pub fn counts(cpus: usize, share: Share) -> Vec<usize> {
    let top = match share {
        Share::Half => (cpus / 2).max(1),
        Share::All => cpus.max(1),
    };
    let mut counts: Vec<usize> = std::iter::successors(Some(1_usize), |n| n.checked_mul(2))
        .take_while(|n| *n <= top)
        .collect();
    if counts.last() != Some(&top) {
        counts.push(top);
    }
    counts
}

/// One grown row: its spec, its family (the spec it grew from) and its
/// thread count.
pub type Grown = (String, String, usize);

/// The specs of a scaling set: every entry (and, with Python, every Python
/// spec) once per thread count, in that order.
pub fn expand(entries: &[&str], scaling: &Scaling, counts: &[usize]) -> (Vec<Grown>, Vec<Grown>) {
    let rust = entries
        .iter()
        .flat_map(|entry| {
            counts.iter().map(move |n| {
                (
                    format!("{entry} {} {n}", scaling.flag),
                    (*entry).to_owned(),
                    *n,
                )
            })
        })
        .collect();
    let python = scaling
        .python
        .iter()
        .flat_map(|spec| {
            counts
                .iter()
                .map(move |n| (spec.replace("{n}", &n.to_string()), (*spec).to_owned(), *n))
        })
        .collect();
    (rust, python)
}

/// One row of the scaling table.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The row's label.
    pub label: String,
    /// Its threads.
    pub threads: usize,
    /// Work per second (servers) or, for work that ends, 1 / median time.
    pub rate: f64,
    /// Median wall time in seconds.
    pub seconds: f64,
    /// Against the family's one-thread row.
    pub speedup: f64,
    /// Speedup ÷ threads.
    pub efficiency: f64,
    /// Server CPU per unit of work, in microseconds (servers only).
    pub cpu_per_unit_us: Option<f64>,
    /// Median p99 latency in milliseconds, when the load reported one.
    pub p99_ms: Option<f64>,
}

/// The scaling table's lines, in plan order.
pub fn lines(results: &Results) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for (row, samples) in &results.rows {
        let seconds = median(
            &samples
                .iter()
                .map(|s| s.wall.as_secs_f64())
                .collect::<Vec<_>>(),
        );
        let work = median(&samples.iter().map(|s| s.work as f64).collect::<Vec<_>>());
        let cpu = median(
            &samples
                .iter()
                .map(|s| s.cpu.as_secs_f64())
                .collect::<Vec<_>>(),
        );
        let p99s: Vec<f64> = samples
            .iter()
            .filter_map(|s| s.p99.map(|p| p.as_secs_f64() * 1000.0))
            .collect();
        let serving = work > 0.0;
        let rate = if serving {
            work / seconds.max(1e-9)
        } else {
            1.0 / seconds.max(1e-9)
        };
        let threads = row.threads.unwrap_or(1);
        let base = results
            .rows
            .iter()
            .zip(out.iter())
            .find(|((other, _), _)| other.family == row.family && other.threads == Some(1))
            .map(|(_, line)| line.rate)
            .unwrap_or(rate);
        let speedup = rate / base.max(1e-12);
        out.push(Line {
            label: row.label(),
            threads,
            rate,
            seconds,
            speedup,
            efficiency: speedup / threads as f64,
            cpu_per_unit_us: serving.then(|| cpu / work.max(1.0) * 1e6),
            p99_ms: (!p99s.is_empty()).then(|| median(&p99s)),
        });
    }
    out
}

/// The table, as text (`markdown`: a Markdown table).
pub fn render(results: &Results, markdown: bool) -> String {
    let unit = results.unit.clone();
    let lines = lines(results);
    let rate_head = match &unit {
        Some(unit) => format!("{unit}/s"),
        None => "time".to_owned(),
    };
    let head = [
        "row",
        "threads",
        &rate_head,
        "speedup",
        "efficiency",
        "CPU per unit",
        "p99",
    ];
    let cells: Vec<[String; 7]> = lines
        .iter()
        .map(|l| {
            [
                l.label.clone(),
                l.threads.to_string(),
                match unit {
                    Some(_) => format!("{:.0}", l.rate),
                    None => format!("{:.3} s", l.seconds),
                },
                format!("{:.2}x", l.speedup),
                format!("{:.0}%", l.efficiency * 100.0),
                l.cpu_per_unit_us
                    .map_or("-".to_owned(), |us| format!("{us:.1} µs")),
                l.p99_ms.map_or("-".to_owned(), |ms| format!("{ms:.2} ms")),
            ]
        })
        .collect();
    let mut text = String::new();
    if markdown {
        text.push_str(&format!("| {} |\n", head.join(" | ")));
        text.push_str(&format!("|{}\n", "---|".repeat(head.len())));
        for row in &cells {
            text.push_str(&format!("| {} |\n", row.join(" | ")));
        }
        return text;
    }
    let widths: Vec<usize> = (0..head.len())
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain(std::iter::once(head[i].chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cols: Vec<&str>| {
        let mut out = String::new();
        for (i, col) in cols.iter().enumerate() {
            if i == 0 {
                out.push_str(&format!("{col:<w$}", w = widths[i]));
            } else {
                out.push_str(&format!("  {col:>w$}", w = widths[i]));
            }
        }
        out.trim_end().to_owned() + "\n"
    };
    text.push_str(&line(head.to_vec()));
    for row in &cells {
        text.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_powers_of_two_up_to_the_share_and_the_share() {
        assert_eq!(counts(16, Share::Half), [1, 2, 4, 8]);
        assert_eq!(counts(16, Share::All), [1, 2, 4, 8, 16]);
        assert_eq!(counts(12, Share::Half), [1, 2, 4, 6]);
        assert_eq!(counts(2, Share::Half), [1]);
        assert_eq!(counts(2, Share::All), [1, 2]);
        assert_eq!(counts(1, Share::Half), [1]);
    }

    #[test]
    fn every_entry_and_python_spec_runs_once_per_count() {
        let scaling = Scaling {
            flag: "--workers",
            share: Share::Half,
            python: &["echo_server.py --port 0 --processes {n}"],
        };
        let (rust, python) = expand(&["3.8 --runtime multi-thread"], &scaling, &[1, 2]);
        assert_eq!(rust[1].0, "3.8 --runtime multi-thread --workers 2");
        assert_eq!(rust[1].2, 2);
        assert_eq!(python[0].0, "echo_server.py --port 0 --processes 1");
        assert_eq!(python[1].1, "echo_server.py --port 0 --processes {n}");
    }
}
