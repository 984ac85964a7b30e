//! The timeline: every timed span of a run, drawn as bars on one time axis.
//!
//! [`Timed`](crate::timing::Timed) futures record a [`Span`] when they end:
//! when they started and stopped, and when they were being polled. Time spent
//! being polled is *busy* (the thread is running this task's code); the rest
//! of the span is *waiting* (the task is parked on a timer or a socket and the
//! thread is free for others). `--timeline` calls [`render_text`] after a
//! listing, `--timeline-svg FILE` calls [`render_svg`].
//!
//! Concurrency shows as overlapping bars; a blocked event loop shows as busy
//! bars that never overlap.

use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// How a span ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The future completed.
    Finished,
    /// The future was dropped before it completed.
    Cancelled,
}

/// The intervals during which a future was being polled.
///
/// Adjacent polls closer than [`Polls::MERGE_GAP`] are merged, so that a
/// future polled thousands of times keeps a short list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Polls {
    intervals: Vec<(Instant, Instant)>,
}

impl Polls {
    /// Polls closer together than this count as one busy stretch.
    pub const MERGE_GAP: Duration = Duration::from_micros(200);
    /// Past this many intervals, every new poll is merged into the last.
    const MAX_INTERVALS: usize = 2_000;

    /// Records one poll from `start` to `end`.
    pub fn push(&mut self, start: Instant, end: Instant) {
        let full = self.intervals.len() >= Self::MAX_INTERVALS;
        if let Some(last) = self.intervals.last_mut()
            && (full || start.saturating_duration_since(last.1) < Self::MERGE_GAP)
        {
            last.1 = end.max(last.1);
            return;
        }
        self.intervals.push((start, end));
    }

    /// The recorded busy intervals, in order.
    pub fn intervals(&self) -> &[(Instant, Instant)] {
        &self.intervals
    }

    /// Total time spent being polled.
    pub fn busy(&self) -> Duration {
        self.intervals.iter().map(|(s, e)| *e - *s).sum()
    }
}

/// One timed future, from its first poll to its end.
#[derive(Debug, Clone)]
pub struct Span {
    /// What to call the bar: a function name with its arguments, `delay(3)`.
    pub label: String,
    /// The first poll.
    pub start: Instant,
    /// Completion or cancellation.
    pub end: Instant,
    /// When it was being polled (busy), as opposed to waiting.
    pub polls: Polls,
    /// Whether it finished or was cancelled.
    pub outcome: Outcome,
    /// Its place among first polls (0 for the first span polled): tells
    /// apart spans that start and end at the same instant, as on a paused
    /// clock, where `main()` starts first.
    pub order: u64,
}

/// The spans recorded since the last [`reset`], and the origin of the axis.
struct Recorder {
    origin: Option<Instant>,
    spans: Vec<Span>,
}

static RECORDER: Mutex<Recorder> = Mutex::new(Recorder {
    origin: None,
    spans: Vec::new(),
});

fn recorder() -> std::sync::MutexGuard<'static, Recorder> {
    // A panic while holding the lock leaves the data usable: recover it.
    RECORDER.lock().unwrap_or_else(|e| e.into_inner())
}

/// Forgets every recorded span and starts the time axis now.
///
/// The runner calls this inside the listing's runtime, so that under a
/// paused clock the origin is on the virtual clock too.
pub fn reset() {
    let mut recorder = recorder();
    recorder.origin = Some(Instant::now());
    recorder.spans.clear();
}

/// Adds a finished span. Called by [`Timed`](crate::timing::Timed).
pub fn record(span: Span) {
    recorder().spans.push(span);
}

/// The spans recorded since the last [`reset`], ordered by start, and the
/// axis origin (the reset time, or the earliest start). Of spans that start
/// together, the longest comes first: an enclosing `main()` is drawn above
/// the tasks it started, though it finishes (and is recorded) last.
pub fn snapshot() -> (Instant, Vec<Span>) {
    let recorder = recorder();
    let mut spans = recorder.spans.clone();
    spans.sort_by(|a, b| {
        (a.start.cmp(&b.start))
            .then(b.end.cmp(&a.end))
            .then(a.order.cmp(&b.order))
    });
    let origin = recorder
        .origin
        .or_else(|| spans.first().map(|s| s.start))
        .unwrap_or_else(Instant::now);
    (origin, spans)
}

/// Characters used by [`render_text`].
const BUSY: char = '█';
const WAITING: char = '─';
/// Columns of the bar area in the text chart.
pub const TEXT_WIDTH: usize = 60;
/// Longest label shown before it is cut.
const MAX_LABEL: usize = 40;

/// Draws the spans as text, one labelled bar each on one time axis.
///
/// The axis has a round step every ten columns, at most [`TEXT_WIDTH`]
/// columns in all. Each column it is drawn busy when the span
/// was being polled for at least half of the part of the column it covers.
pub fn render_text(origin: Instant, spans: &[Span]) -> String {
    if spans.is_empty() {
        return "timeline: no timed spans were recorded (only #[async_timed], timed(), span() and delay() are drawn)\n".to_owned();
    }
    let (step, ticks) = axis(total_length(origin, spans));
    let width = ticks * 10;
    let column = step / 10;
    let label_width = spans
        .iter()
        .map(|s| s.label.chars().count().min(MAX_LABEL))
        .max()
        .unwrap_or(0);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "timeline: {BUSY} busy (being polled)  {WAITING} waiting  one column = {} s",
        trim_secs(column)
    );
    for span in spans {
        let mut bar = String::with_capacity(width * 3);
        let from = span.start - origin;
        let to = span.end - origin;
        for c in 0..width {
            let c_start = column * c as u32;
            let c_end = column * (c as u32 + 1);
            let covered = overlap((from, to), (c_start, c_end));
            // A span shorter than a column still gets one cell.
            let touches = covered > Duration::ZERO
                || (from >= c_start && from < c_end)
                || (c == width - 1 && from >= c_end);
            if !touches {
                bar.push(' ');
                continue;
            }
            let busy: Duration = span
                .polls
                .intervals()
                .iter()
                .map(|(s, e)| overlap((*s - origin, *e - origin), (c_start, c_end)))
                .sum();
            let busy_enough = !covered.is_zero() && busy * 2 >= covered;
            bar.push(if busy_enough { BUSY } else { WAITING });
        }
        let label = cut(&span.label, MAX_LABEL);
        let mut note = format!("{} s", crate::report::secs(span.end - span.start));
        if span.outcome == Outcome::Cancelled {
            note.push_str(" (cancelled)");
        }
        let _ = writeln!(out, "{label:<label_width$} │{bar}│ {note}");
    }
    // The scale: a tick every ten columns.
    let mut ticks = String::new();
    let mut labels = String::new();
    for c in 0..=width {
        ticks.push(if c % 10 == 0 { '┴' } else { '─' });
    }
    let mut c = 0;
    while c <= width {
        let text = format!("{}s", trim_secs(column * c as u32));
        let pad = c.saturating_sub(labels.chars().count());
        labels.push_str(&" ".repeat(pad));
        labels.push_str(&text);
        c += 10;
    }
    let _ = writeln!(out, "{:label_width$} └{}", "", &ticks[..]);
    let _ = writeln!(out, "{:label_width$}  {labels}", "");
    out
}

/// Draws the spans as an SVG document (for slides): grey bars for waiting,
/// dark bars for busy time, a labelled axis.
///
/// The axis has the same round ticks as [`render_text`]'s (0s 0.5s 1s ...,
/// never 0.5002s), and the bars are drawn to its scale.
pub fn render_svg(origin: Instant, spans: &[Span]) -> String {
    const LABEL_W: f64 = 220.0;
    const BAR_W: f64 = 720.0;
    const ROW_H: f64 = 28.0;
    const TOP: f64 = 40.0;
    let (step, ticks) = axis(total_length(origin, spans));
    let length = step.as_secs_f64() * ticks as f64;
    let x = |d: Duration| LABEL_W + d.as_secs_f64() / length * BAR_W;
    let height = TOP + ROW_H * spans.len() as f64 + 50.0;
    let width = LABEL_W + BAR_W + 120.0;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="monospace" font-size="14">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r##"<text x="{LABEL_W}" y="20">busy (being polled) <tspan fill="#1f4e99">■</tspan>   waiting <tspan fill="#b8c7e0">■</tspan></text>"##
    );
    for (row, span) in spans.iter().enumerate() {
        let y = TOP + ROW_H * row as f64;
        let (s, e) = (x(span.start - origin), x(span.end - origin));
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LABEL_W - 10.0,
            y + 17.0,
            xml_escape(&span.label)
        );
        let _ = writeln!(
            svg,
            r##"<rect x="{s:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#b8c7e0"/>"##,
            y + 4.0,
            (e - s).max(1.0),
            ROW_H - 8.0
        );
        for (ps, pe) in span.polls.intervals() {
            let (ps, pe) = (x(*ps - origin), x(*pe - origin));
            if pe - ps >= 0.5 {
                let _ = writeln!(
                    svg,
                    r##"<rect x="{ps:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#1f4e99"/>"##,
                    y + 4.0,
                    pe - ps,
                    ROW_H - 8.0
                );
            }
        }
        let mut note = format!("{} s", crate::report::secs(span.end - span.start));
        if span.outcome == Outcome::Cancelled {
            note.push_str(" (cancelled)");
        }
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}">{note}</text>"#,
            e + 6.0,
            y + 17.0
        );
    }
    let axis_y = TOP + ROW_H * spans.len() as f64 + 8.0;
    let _ = writeln!(
        svg,
        r#"<line x1="{LABEL_W}" y1="{axis_y}" x2="{:.1}" y2="{axis_y}" stroke="black"/>"#,
        LABEL_W + BAR_W
    );
    for i in 0..=ticks {
        let tx = LABEL_W + BAR_W * i as f64 / ticks as f64;
        let _ = writeln!(
            svg,
            r#"<line x1="{tx:.1}" y1="{axis_y}" x2="{tx:.1}" y2="{:.1}" stroke="black"/><text x="{tx:.1}" y="{:.1}" text-anchor="middle">{}s</text>"#,
            axis_y + 5.0,
            axis_y + 22.0,
            trim_secs(step * i as u32)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Most ticks on an axis (one every ten columns of the text chart).
const MAX_TICKS: usize = TEXT_WIDTH / 10;

/// The axis both drawings share: a round step and how many of them cover
/// `total` (at most [`MAX_TICKS`]), so a short run still fills the chart.
fn axis(total: Duration) -> (Duration, usize) {
    let step = nice_step(total / MAX_TICKS as u32);
    let ticks = ((total.as_secs_f64() / step.as_secs_f64()).ceil() as usize).clamp(1, MAX_TICKS);
    (step, ticks)
}

/// The smallest "round" step (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power
/// of ten) that is at least `rough`, so the axis reads 0s 0.5s 1s ...
/// rather than 0.1034s.
fn nice_step(rough: Duration) -> Duration {
    let rough = rough.as_secs_f64().max(1e-4);
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= rough * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude);
    Duration::from_secs_f64(step)
}

/// The length of the axis: up to the last end, never zero.
fn total_length(origin: Instant, spans: &[Span]) -> Duration {
    spans
        .iter()
        .map(|s| s.end.saturating_duration_since(origin))
        .max()
        .unwrap_or_default()
        .max(Duration::from_millis(1))
}

fn overlap(a: (Duration, Duration), b: (Duration, Duration)) -> Duration {
    let start = a.0.max(b.0);
    let end = a.1.min(b.1);
    end.saturating_sub(start)
}

/// Seconds with as few decimals as say it: `3`, `0.5`, `0.0125`.
fn trim_secs(d: Duration) -> String {
    let text = format!("{:.4}", d.as_secs_f64());
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

/// A label of at most `max` characters. A longer one keeps its start and
/// its end around a `…`: rows that differ only at the end (the path of a
/// URL, a delay) stay told apart.
fn cut(label: &str, max: usize) -> String {
    let chars: Vec<char> = label.chars().collect();
    if chars.len() <= max {
        return label.to_owned();
    }
    let head = (max - 1) / 2;
    let tail = max - 1 - head;
    let mut s: String = chars[..head].iter().collect();
    s.push('…');
    s.extend(&chars[chars.len() - tail..]);
    s
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_label_keeps_its_distinguishing_end() {
        let label = r#"fetch_status(session, "http://127.0.0.1:40123/delay/2000")"#;
        let cut = super::cut(label, 40);
        assert_eq!(cut.chars().count(), 40);
        assert!(cut.starts_with("fetch_status("), "{cut}");
        assert!(cut.ends_with("/delay/2000\")"), "{cut}");
        assert_eq!(super::cut("main()", 40), "main()");
    }
}
