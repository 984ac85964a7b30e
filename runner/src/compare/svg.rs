//! The bar chart of medians as SVG, for `compare --svg`.

use std::fmt::Write as _;

use super::render::{ratio_words, seconds};
use super::stats::Results;

impl Results {
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
