//! Rendering: the results as a text table with a bar chart, Markdown and
//! JSON (the SVG chart is in `svg.rs`).

use std::fmt::Write as _;
use std::time::Duration;

use super::plan::Plan;
use super::stats::{Results, Summary};

/// The widest title the text table shows; a longer one is shortened.
const TITLE_WIDTH: usize = 44;

impl Results {
    /// The table, with a line naming the flags the rows shared under it,
    /// then a bar chart of the medians.
    pub fn render_text(&self, plan: &Plan) -> String {
        let summaries = self.summaries();
        let base = self.rows[0].0.label();
        let title_width = self
            .rows
            .iter()
            .map(|(l, _)| shorten(&l.title, TITLE_WIDTH).chars().count())
            .max()
            .unwrap_or(5);
        let id_width = self
            .rows
            .iter()
            .map(|(l, _)| l.label().len())
            .max()
            .unwrap_or(2)
            .max(7);
        let mut out = String::new();
        let rate_header = self.rate_header();
        let _ = writeln!(
            out,
            "{:<id_width$}  {:<title_width$}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  {rate_header}vs {base}",
            "listing", "title", "median", "min", "max", "cpu", "peak mem"
        );
        for ((listing, _), s) in self.rows.iter().zip(&summaries) {
            let title = shorten(&listing.title, TITLE_WIDTH);
            let _ = writeln!(
                out,
                "{:<id_width$}  {title:<title_width$}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  {}{}",
                listing.label(),
                seconds(s.median),
                seconds(s.min),
                seconds(s.max),
                seconds(s.cpu),
                mebibytes(s.peak_rss),
                self.rate_cell(s, rate_header.len()),
                ratio_words(s.ratio),
            );
        }
        for (lead, words) in self.notes(plan) {
            let _ = writeln!(out, "{lead}: {words}");
        }
        out.push('\n');
        let longest = summaries
            .iter()
            .map(|s| s.median)
            .max()
            .unwrap_or_default()
            .as_secs_f64()
            .max(1e-9);
        for ((listing, _), s) in self.rows.iter().zip(&summaries) {
            let cells = ((s.median.as_secs_f64() / longest) * 50.0).round().max(1.0) as usize;
            let _ = writeln!(
                out,
                "{:<id_width$} │{} {}",
                listing.label(),
                "█".repeat(cells),
                seconds(s.median)
            );
        }
        out
    }

    /// `round-trips/s  ` when a load reported work, else nothing.
    fn rate_header(&self) -> String {
        self.unit
            .as_ref()
            .map(|unit| format!("{:>12}  ", format!("{unit}/s")))
            .unwrap_or_default()
    }

    fn rate_cell(&self, s: &Summary, width: usize) -> String {
        if self.unit.is_none() {
            return String::new();
        }
        let rate = s.rate.map_or_else(|| "?".to_owned(), |r| format!("{r:.0}"));
        format!("{rate:>w$}  ", w = width.saturating_sub(2))
    }

    /// The same table in Markdown, for the benchmarks page, with the same
    /// lines about the flags under it.
    pub fn render_markdown(&self, plan: &Plan) -> String {
        let base = self.rows[0].0.label();
        let (rate_head, rate_rule) = match &self.unit {
            Some(unit) => (format!(" {unit}/s |"), "---|"),
            None => (String::new(), ""),
        };
        let mut out = format!(
            "| listing | title | median | min | max | cpu | peak mem |{rate_head} vs {base} |\n|---|---|---|---|---|---|---|{rate_rule}---|\n"
        );
        for ((listing, _), s) in self.rows.iter().zip(self.summaries()) {
            let rate = match (&self.unit, s.rate) {
                (None, _) => String::new(),
                (Some(_), Some(rate)) => format!(" {rate:.0} |"),
                (Some(_), None) => " ? |".to_owned(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |{rate} {} |",
                listing.label(),
                listing.title.replace('|', "\\|"),
                seconds(s.median),
                seconds(s.min),
                seconds(s.max),
                seconds(s.cpu),
                mebibytes(s.peak_rss),
                ratio_words(s.ratio)
            );
        }
        for (lead, words) in self.notes(plan) {
            let mut lead = lead.to_owned();
            lead[..1].make_ascii_uppercase();
            let _ = writeln!(out, "\n{lead} `{words}`.");
        }
        out
    }

    /// What the rows ran with beyond their own words, as (who, flags):
    /// the flags after `--` (merged with a set's), which a row's title,
    /// written for the listing's defaults, does not show; and a server
    /// set's load. Python rows take only the user's flags, so they get a
    /// line of their own when theirs differ.
    fn notes(&self, plan: &Plan) -> Vec<(&'static str, String)> {
        let has = |takes: bool| self.rows.iter().any(|(r, _)| r.takes_flags == takes);
        let mut notes = Vec::new();
        let (rust, python) = (&plan.flags, &plan.python_flags);
        if !has(false) || (rust == python) {
            if !rust.is_empty() {
                notes.push(("every row ran with", rust.join(" ")));
            }
        } else {
            if has(true) && !rust.is_empty() {
                notes.push(("every Rust row ran with", rust.join(" ")));
            }
            if !python.is_empty() {
                notes.push(("every Python row ran with", python.join(" ")));
            }
        }
        if !plan.load.is_empty() {
            let load = plan.load.join(" ").replace("{addr}", "ADDRESS");
            notes.push(("each server was loaded with", load));
        }
        notes
    }

    /// Every sample and summary as JSON, for tools.
    pub fn render_json(&self, plan: &Plan) -> String {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .zip(self.summaries())
            .map(|((listing, samples), s)| {
                serde_json::json!({
                    "label": listing.label(),
                    "title": listing.title,
                    "median_s": s.median.as_secs_f64(),
                    "min_s": s.min.as_secs_f64(),
                    "max_s": s.max.as_secs_f64(),
                    "cpu_s": s.cpu.as_secs_f64(),
                    "peak_rss_bytes": s.peak_rss,
                    "args": listing.args,
                    "ratio_to_first": s.ratio,
                    "rate_per_s": s.rate,
                    "threads": listing.threads,
                    "cpus": listing.pin.as_ref().map(|p| p.cpus.clone()),
                    "runs": samples.iter().map(|x| serde_json::json!({
                        "wall_s": x.wall.as_secs_f64(),
                        "cpu_s": x.cpu.as_secs_f64(),
                        "peak_rss_bytes": x.peak_rss,
                        "work": x.work,
                        "p99_s": x.p99.map(|p| p.as_secs_f64()),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let scaling: Vec<serde_json::Value> = if plan.scaling {
            super::scaling::lines(self)
                .iter()
                .map(|l| {
                    serde_json::json!({
                        "label": l.label,
                        "threads": l.threads,
                        "rate_per_s": l.rate,
                        "speedup": l.speedup,
                        "efficiency": l.efficiency,
                        "cpu_per_unit_us": l.cpu_per_unit_us,
                        "p99_ms": l.p99_ms,
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        serde_json::to_string_pretty(&serde_json::json!({
            "runs": plan.runs,
            "warmup": plan.warmup,
            "flags": plan.flags,
            "python_flags": plan.python_flags,
            "load": plan.load,
            "unit": self.unit,
            "release_build": !cfg!(debug_assertions),
            "listings": rows,
            "scaling": scaling,
        }))
        .expect("JSON values always serialise")
    }
}

/// `title` in at most `max` characters: whole when it fits, else cut
/// after the last whole word that fits, then `…`. Only a first word longer
/// than `max` is cut inside.
fn shorten(title: &str, max: usize) -> String {
    if title.chars().count() <= max {
        return title.to_owned();
    }
    let room = max.saturating_sub(1); // for the `…`
    let end = title
        .char_indices()
        .nth(room)
        .map_or(title.len(), |(i, _)| i);
    let (head, rest) = title.split_at(end);
    let words = if rest.starts_with(char::is_whitespace) {
        head
    } else {
        head.rfind(char::is_whitespace).map_or("", |i| &head[..i])
    };
    let words = words.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '–' | '—')
    });
    format!("{}…", if words.is_empty() { head } else { words })
}

pub(super) fn seconds(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn mebibytes(bytes: u64) -> String {
    if bytes == 0 {
        "?".to_owned()
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// `1.00x`, `2.12x faster`, `1.50x slower`.
pub(super) fn ratio_words(ratio: f64) -> String {
    if (ratio - 1.0).abs() < 0.005 {
        "1.00x".to_owned()
    } else if ratio < 1.0 {
        format!("{:.2}x faster", 1.0 / ratio)
    } else {
        format!("{ratio:.2}x slower")
    }
}

#[cfg(test)]
mod tests {
    use super::super::plan::Row;
    use super::super::stats::Sample;
    use super::*;

    fn row(label: &str, title: &str, takes_flags: bool) -> (Row, Vec<Sample>) {
        let sample = Sample {
            wall: Duration::from_millis(100),
            cpu: Duration::from_millis(90),
            peak_rss: 1 << 20,
            work: 0,
            p99: None,
        };
        let row = Row {
            label: label.to_owned(),
            title: title.to_owned(),
            program: "x".into(),
            args: label.split_whitespace().map(str::to_owned).collect(),
            takes_flags,
            ..Row::default()
        };
        (row, vec![sample])
    }

    fn plan(flags: &[&str], python_flags: &[&str]) -> Plan {
        let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
        Plan {
            listings: Vec::new(),
            runs: 1,
            warmup: 0,
            flags: owned(flags),
            python_flags: owned(python_flags),
            load: Vec::new(),
            scaling: false,
        }
    }

    #[test]
    fn long_titles_end_at_a_whole_word() {
        let title = "I/O and CPU work side by side: fetch, format headers, write a file";
        let short = shorten(title, 44);
        assert_eq!(short, "I/O and CPU work side by side: fetch…");
        assert!(short.chars().count() <= 44);
        // A word ending exactly at the limit is kept whole.
        assert_eq!(shorten("abc defg hij", 9), "abc defg…");
        // Punctuation left dangling at the cut goes too.
        assert_eq!(shorten("one two: three four", 12), "one two…");
        assert_eq!(shorten("fits as it is", 44), "fits as it is");
        // Only a single word longer than the room is cut inside.
        assert_eq!(shorten("abcdefghij klm", 5), "abcd…");
    }

    #[test]
    fn the_text_table_names_the_flags_every_row_ran_with() {
        let results = Results {
            rows: vec![
                row(
                    "1.5",
                    "fib(40) and fib(41) one after the other, timed",
                    true,
                ),
                row(
                    "1.6",
                    "fib(40) and fib(41) on two threads: no GIL, so faster",
                    true,
                ),
            ],
            unit: None,
        };
        let text = results.render_text(&plan(&["--n", "25"], &[]));
        let table: Vec<&str> = text.lines().take_while(|l| !l.is_empty()).collect();
        assert_eq!(table.len(), 4, "{text}");
        assert_eq!(table[3], "every row ran with: --n 25");
        assert!(table[2].contains("fib(40) and fib(41) on two threads: no GIL…  "));
        let bare = results.render_text(&plan(&[], &[]));
        assert!(!bare.contains("ran with"), "{bare}");
    }

    #[test]
    fn python_rows_get_a_line_of_their_own_when_their_flags_differ() {
        let results = Results {
            rows: vec![
                row("4.6a", "one after the other", true),
                row("python requests_demo.py", "the Python counterpart", false),
            ],
            unit: None,
        };
        let plan = plan(
            &["--latency-ms", "10", "--requests", "5"],
            &["--requests", "5"],
        );
        let text = results.render_text(&plan);
        assert!(text.contains("\nevery Rust row ran with: --latency-ms 10 --requests 5\n"));
        assert!(text.contains("\nevery Python row ran with: --requests 5\n"));
        let markdown = results.render_markdown(&plan);
        assert!(markdown.contains("\n\nEvery Python row ran with `--requests 5`.\n"));
    }

    #[test]
    fn ratios_read_as_words() {
        assert_eq!(ratio_words(1.0), "1.00x");
        assert_eq!(ratio_words(0.5), "2.00x faster");
        assert_eq!(ratio_words(1.5), "1.50x slower");
    }
}
