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
