//! The timeline's drawings, from spans whose times are known exactly.

use std::time::Duration;

use shared_util::timeline::{Outcome, Polls, Span, render_svg, render_text};
use tokio::time::Instant;

fn span(origin: Instant, label: &str, from_ms: u64, to_ms: u64, busy_ms: &[(u64, u64)]) -> Span {
    let at = |ms: u64| origin + Duration::from_millis(ms);
    let mut polls = Polls::default();
    for (start, end) in busy_ms {
        polls.push(at(*start), at(*end));
    }
    Span {
        label: label.to_owned(),
        start: at(from_ms),
        end: at(to_ms),
        polls,
        outcome: Outcome::Finished,
        order: 0,
    }
}

/// A blocked loop and a concurrent wait, as listings 2.18 and 2.9 draw them.
fn known_spans(origin: Instant) -> Vec<Span> {
    let mut cancelled = span(origin, "delay(10)", 0, 2_000, &[(0, 1)]);
    cancelled.outcome = Outcome::Cancelled;
    vec![
        span(origin, "main()", 0, 3_000, &[(0, 1), (2_999, 3_000)]),
        span(origin, "cpu_bound_work()", 0, 1_000, &[(0, 1_000)]),
        span(origin, "cpu_bound_work()", 1_000, 2_000, &[(1_000, 2_000)]),
        span(origin, "delay(3)", 0, 3_000, &[(0, 1)]),
        cancelled,
    ]
}

#[test]
fn text_rendering_is_golden() {
    let origin = Instant::now();
    insta::assert_snapshot!(render_text(origin, &known_spans(origin)));
}

#[test]
fn a_short_run_gets_a_round_scale() {
    let origin = Instant::now();
    let text = render_text(origin, &[span(origin, "quick", 0, 637, &[(0, 637)])]);
    // 0.637 s over at most six ticks: a tick every 0.15 s, five ticks.
    assert!(text.contains("one column = 0.015 s"), "{text}");
    assert!(
        text.contains("0s        0.15s     0.3s      0.45s     0.6s      0.75s"),
        "{text}"
    );
}

#[test]
fn an_empty_timeline_says_so() {
    let text = render_text(Instant::now(), &[]);
    assert!(text.starts_with("timeline: no timed spans were recorded"));
}

#[test]
fn svg_rendering_has_a_bar_per_span_and_a_busy_rect_per_busy_stretch() {
    let origin = Instant::now();
    let svg = render_svg(origin, &known_spans(origin));
    assert!(svg.starts_with("<svg"));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(
        svg.matches(r##"fill="#b8c7e0"/>"##).count(),
        5,
        "one waiting bar per span"
    );
    // Only the two long CPU polls are wide enough to draw (1 ms is < 0.5 px).
    assert_eq!(svg.matches(r##"fill="#1f4e99"/>"##).count(), 2);
    assert!(svg.contains("(cancelled)"));
    assert!(svg.contains("delay(10)"));
}

/// The text of every axis label in an SVG drawing, in order.
fn svg_tick_labels(svg: &str) -> Vec<&str> {
    svg.lines()
        .filter(|line| line.starts_with("<line") && line.contains(r#"text-anchor="middle""#))
        .filter_map(|line| line.rsplit_once('>')?.0.strip_suffix("</text"))
        .filter_map(|text| text.rsplit_once('>').map(|(_, label)| label))
        .collect()
}

#[test]
fn the_svg_axis_has_the_text_charts_round_ticks() {
    let origin = Instant::now();
    // 0.637 s: a tick every 0.15 s, as in the text chart, not every 0.1062 s.
    let spans = [span(origin, "quick", 0, 637, &[(0, 637)])];
    let svg = render_svg(origin, &spans);
    assert_eq!(
        svg_tick_labels(&svg),
        ["0s", "0.15s", "0.3s", "0.45s", "0.6s", "0.75s"],
        "{svg}"
    );
    // The bar is drawn to the axis' scale: 0.637 s of 0.75 s.
    let bar_end = 220.0 + 720.0 * 0.637 / 0.75;
    assert!(
        svg.contains(&format!(
            r#"<text x="{:.1}" y="57.0">0.6370 s</text>"#,
            bar_end + 6.0
        )),
        "{svg}"
    );

    // A run that ends just past a round number: 3.001 s was 0.5002s 1.0005s ...
    let spans = [span(origin, "main()", 0, 3_001, &[(0, 1)])];
    let labels = svg_tick_labels(&render_svg(origin, &spans)).join(" ");
    assert_eq!(labels, "0s 0.6s 1.2s 1.8s 2.4s 3s 3.6s");
}

#[test]
fn polls_close_together_merge() {
    let origin = Instant::now();
    let at = |us: u64| origin + Duration::from_micros(us);
    let mut polls = Polls::default();
    polls.push(at(0), at(10));
    polls.push(at(50), at(60)); // 40 µs later: merged
    polls.push(at(10_000), at(10_010)); // 10 ms later: a new stretch
    assert_eq!(polls.intervals().len(), 2);
    assert_eq!(polls.busy(), Duration::from_micros(70));
}
