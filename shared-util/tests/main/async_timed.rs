//! `#[async_timed]` and `timed`: what they print, including on errors and
//! cancellation, and that the times are exact on a paused clock.

use std::sync::Mutex;
use std::time::Duration;

use shared_util::report::capture;
use shared_util::timeline::{self, Outcome};
use shared_util::{async_timed, timed};

/// The timeline recorder is process-wide: tests that use it take turns.
static SERIAL: Mutex<()> = Mutex::new(());

fn on_paused_clock<F: Future>(future: F) -> (F::Output, Vec<String>) {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    capture(|| {
        runtime.block_on(async {
            timeline::reset();
            future.await
        })
    })
}

#[async_timed]
async fn join(number: i32, text: &str) -> String {
    format!("{number}{text}")
}

/// Not `Debug`: only printable by name.
struct Client;

#[async_timed(skip(client, url))]
async fn fetch(client: &Client, url: &str, attempt: u32) -> u32 {
    let _ = (client, url);
    attempt
}

#[async_timed]
async fn sleeper(seconds: u64) {
    tokio::time::sleep(Duration::from_secs(seconds)).await;
}

#[async_timed]
async fn parse(text: String) -> Result<u8, std::num::ParseIntError> {
    // `?` and an early return keep working inside the attribute.
    let value: u8 = text.parse()?;
    if value == 0 {
        return Ok(100);
    }
    Ok(value)
}

#[test]
fn prints_the_name_and_debug_formatted_arguments() {
    let (result, lines) = on_paused_clock(join(1, "x"));
    assert_eq!(result, "1x");
    assert_eq!(
        lines,
        [
            r#"starting join with args (1, "x")"#,
            "finished join in 0.0000 second(s)"
        ]
    );
}

#[test]
fn skipped_arguments_print_by_name() {
    let (result, lines) = on_paused_clock(fetch(&Client, "http://far.away/", 3));
    assert_eq!(result, 3);
    assert_eq!(lines[0], "starting fetch with args (client, url, 3)");
}

#[test]
fn reports_exact_virtual_time() {
    let (_, lines) = on_paused_clock(sleeper(3));
    assert_eq!(
        lines,
        [
            "starting sleeper with args (3)",
            "finished sleeper in 3.0000 second(s)"
        ]
    );
}

#[test]
fn reports_finished_even_when_the_function_errors() {
    let (result, lines) = on_paused_clock(parse("nope".into()));
    assert!(result.is_err());
    assert_eq!(lines[1], "finished parse in 0.0000 second(s)");
    let (result, _) = on_paused_clock(parse("0".into()));
    assert_eq!(result, Ok(100));
}

#[test]
fn reports_cancellation_when_dropped_half_way() {
    let (outcome, lines) =
        on_paused_clock(async { tokio::time::timeout(Duration::from_secs(1), sleeper(5)).await });
    assert!(outcome.is_err(), "the timeout fired");
    assert_eq!(
        lines,
        [
            "starting sleeper with args (5)",
            "cancelled sleeper after 1.0000 second(s)"
        ]
    );
    let (_, spans) = timeline::snapshot();
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].outcome, Outcome::Cancelled);
}

#[test]
fn a_future_that_never_ran_prints_nothing() {
    let (_, lines) = on_paused_clock(async {
        drop(sleeper(5));
    });
    assert!(lines.is_empty(), "{lines:?}");
}

#[test]
fn timed_wraps_any_future_and_records_a_span() {
    let (value, lines) = on_paused_clock(async {
        timed("two sleeps", async {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            7
        })
        .await
    });
    assert_eq!(value, 7);
    assert_eq!(
        lines,
        [
            "starting two sleeps",
            "finished two sleeps in 2.0000 second(s)"
        ]
    );
    let (origin, spans) = timeline::snapshot();
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].label, "two sleeps");
    assert_eq!(spans[0].start - origin, Duration::ZERO);
    assert_eq!(spans[0].end - spans[0].start, Duration::from_secs(2));
    // Three polls (start, after each sleep), none taking virtual time.
    assert_eq!(spans[0].polls.busy(), Duration::ZERO);
}

#[test]
fn delay_prints_the_books_two_lines_and_records_a_span() {
    let (seconds, lines) = on_paused_clock(shared_util::delay(2));
    assert_eq!(seconds, 2);
    assert_eq!(
        lines,
        [
            "sleeping for 2 second(s)",
            "finished sleeping for 2 second(s)"
        ]
    );
    let (_, spans) = timeline::snapshot();
    assert_eq!(spans[0].label, "delay(2)");
    assert_eq!(spans[0].end - spans[0].start, Duration::from_secs(2));
}
