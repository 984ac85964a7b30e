//! The book's `delay` helper: sleep, say so before and after, return the
//! number of seconds.

use std::time::Duration;

use crate::timing::span;

/// Sleeps for `seconds`, printing `sleeping for N second(s)` before and
/// `finished sleeping for N second(s)` after, and returns `seconds`.
///
/// The call is recorded on the timeline as `delay(N)`. It sleeps on Tokio's
/// timer, so it never blocks the thread, and under a paused clock
/// (`--virtual-time`) it finishes at once while reporting the full time.
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// assert_eq!(shared_util::delay(2).await, 2);
/// # }
/// ```
pub async fn delay(seconds: u64) -> u64 {
    span(format!("delay({seconds})"), async move {
        crate::report::say(format!("sleeping for {seconds} second(s)"));
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        crate::report::say(format!("finished sleeping for {seconds} second(s)"));
        seconds
    })
    .await
}
