//! Rendering: the results as a text table with a bar chart, Markdown,
//! JSON and SVG.

use std::fmt::Write as _;
use std::time::Duration;

use super::plan::Plan;
use super::stats::{Results, Summary};

impl Results {
    /// The table, with a bar chart of the medians under it.
    pub fn render_text(&self) -> String {
        let summaries = self.summaries();
        let base = self.rows[0].0.label();
        let title_width = self
            .rows
            .iter()
            .map(|(l, _)| l.title.chars().count().min(44))
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
            let title: String = listing.title.chars().take(44).collect();
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

    /// The same table in Markdown, for the benchmarks page, with a line
    /// under it naming the flags the rows ran with and the load, if any.
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
        if !plan.flags.is_empty() && plan.load.is_empty() {
            let _ = writeln!(out, "\nThe listings ran with `{}`.", plan.flags.join(" "));
        }
        if !plan.load.is_empty() {
            let _ = writeln!(
                out,
                "\nEach server was loaded with `{}`.",
                plan.load.join(" ").replace("{addr}", "ADDRESS")
            );
        }
        out
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
                    "runs": samples.iter().map(|x| serde_json::json!({
                        "wall_s": x.wall.as_secs_f64(),
                        "cpu_s": x.cpu.as_secs_f64(),
                        "peak_rss_bytes": x.peak_rss,
                        "work": x.work,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({
            "runs": plan.runs,
            "warmup": plan.warmup,
            "flags": plan.flags,
            "load": plan.load,
            "unit": self.unit,
            "release_build": !cfg!(debug_assertions),
            "listings": rows,
        }))
        .expect("JSON values always serialise")
    }

    /// The bar chart of medians as SVG, labels at the left of the bars.
    pub fn render_svg(&self) -> String {
        let summaries = self.summaries();
        let longest = summaries
            .iter()
            .map(|s| s.median)
            .max()
            .unwrap_or_default()
            .as_secs_f64()
            .max(1e-9);
        let label_chars = self
            .rows
            .iter()
            .map(|(l, _)| l.label().chars().count())
            .max()
            .unwrap_or(4);
        // Monospace at 14 px is about 8.4 px a character.
        let left = 20.0 + 8.4 * label_chars as f64;
        let bar_room = 460.0;
        let total = left + bar_room + 300.0;
        let row = 30.0;
        let height = 20.0 + row * summaries.len() as f64 + 10.0;
        let mut svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{total:.0}" height="{height}" font-family="monospace" font-size="14"><rect width="100%" height="100%" fill="white"/>"#
        );
        svg.push('\n');
        for (i, ((listing, _), s)) in self.rows.iter().zip(&summaries).enumerate() {
            let y = 20.0 + row * i as f64;
            let width = s.median.as_secs_f64() / longest * bar_room;
            let rate = match (&self.unit, s.rate) {
                (Some(unit), Some(rate)) => format!(", {rate:.0} {unit}/s"),
                _ => String::new(),
            };
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect x="{left:.1}" y="{:.1}" width="{width:.1}" height="20" fill="#1f4e99"/><text x="{:.1}" y="{:.1}">{} ({}{rate})</text>"##,
                left - 10.0,
                y + 15.0,
                escape_xml(&listing.label()),
                y,
                left + width + 10.0,
                y + 15.0,
                seconds(s.median),
                ratio_words(s.ratio)
            );
        }
        svg.push_str("</svg>\n");
        svg
    }
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn seconds(d: Duration) -> String {
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
fn ratio_words(ratio: f64) -> String {
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
    use super::*;

    #[test]
    fn ratios_read_as_words() {
        assert_eq!(ratio_words(1.0), "1.00x");
        assert_eq!(ratio_words(0.5), "2.00x faster");
        assert_eq!(ratio_words(1.5), "1.50x slower");
    }
}
