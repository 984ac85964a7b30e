//! Honest CPU-bound work for the listings that need some, sized by time.
//!
//! The book counts to 100 million in a Python loop to keep a core busy for
//! seconds (4.7 s on the author's machine). An optimising compiler would
//! turn the same Rust loop into a constant, so [`count_to`] passes the bound
//! and every step through [`std::hint::black_box`]: the loop really runs,
//! one add at a time.
//!
//! Even so, a fixed count says nothing about time: 100 million takes a
//! release build 0.05 s and a debug build seconds, so the same listing
//! would tell two different stories. Listings therefore ask for work by
//! *duration* ([`count_for`], or [`Ctx::cpu_work`](crate::Ctx::cpu_work)
//! with the runner's `--count` as an override): the first call measures
//! how far this machine counts in a few tens of milliseconds, once per
//! process, and scales that up. [`BOOK_COUNT_SECONDS`] is what the
//! book's 100 million becomes.

use std::fmt;
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Counts from zero to `n` one step at a time and returns the count.
///
/// ```
/// assert_eq!(shared_util::cpu::count_to(1_000), 1_000);
/// ```
pub fn count_to(n: u64) -> u64 {
    let mut counter = 0u64;
    for _ in 0..black_box(n) {
        counter = black_box(counter + 1);
    }
    counter
}

/// The book's count for CPU-bound demos, for listings that print it.
pub const BOOK_COUNT: u64 = 100_000_000;

/// How long the book's count to 100 million runs here: one second. (The
/// book's Python took 4.7 s; one second keeps every proportion — two
/// counts before a 4 s delay, a count twice as long in a second process —
/// and a chapter's `all` run short.)
pub const BOOK_COUNT_SECONDS: f64 = 1.0;

/// How far this process counts in one second of CPU time, measured on
/// first use: [`count_to`] in chunks until this thread has used 60 ms of
/// CPU. Measuring CPU time rather than wall time keeps the answer right on
/// a busy machine, where the thread is not running all the time; the count
/// then takes longer on the clock, which the listing's timings show.
pub fn counts_per_second() -> f64 {
    static RATE: OnceLock<f64> = OnceLock::new();
    *RATE.get_or_init(|| {
        const TRIAL: Duration = Duration::from_millis(60);
        const CHUNK: u64 = 50_000;
        let (cpu_start, wall_start) = (thread_cpu_time(), Instant::now());
        let mut counted = 0u64;
        // Wall-clock bound: never more than two seconds of calibrating.
        while thread_cpu_time().saturating_sub(cpu_start) < TRIAL
            && wall_start.elapsed() < Duration::from_secs(2)
        {
            counted += count_to(CHUNK);
        }
        let used = thread_cpu_time().saturating_sub(cpu_start);
        let used = if used.is_zero() {
            wall_start.elapsed()
        } else {
            used
        };
        (counted as f64 / used.as_secs_f64().max(1e-6)).max(1.0)
    })
}

/// CPU time used by the calling thread (on Linux; elsewhere, a wall clock
/// counting from the first call).
fn thread_cpu_time() -> Duration {
    #[cfg(target_os = "linux")]
    {
        use nix::sys::resource::{UsageWho, getrusage};
        use nix::sys::time::TimeValLike as _;
        if let Ok(usage) = getrusage(UsageWho::RUSAGE_THREAD) {
            let micros =
                usage.user_time().num_microseconds() + usage.system_time().num_microseconds();
            return Duration::from_micros(u64::try_from(micros).unwrap_or(0));
        }
    }
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// A count this machine finishes in about `duration` (at least 1).
///
/// ```
/// let n = shared_util::cpu::count_for(std::time::Duration::from_millis(5));
/// assert!(n >= 1);
/// ```
pub fn count_for(duration: Duration) -> u64 {
    ((counts_per_second() * duration.as_secs_f64()) as u64).max(1)
}

/// CPU work a listing is about to do: how far it counts, and why that far.
/// Its `Display` is the line a listing prints before counting:
/// `counting to 212,345,678 (about 1 s on this machine)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Work {
    /// How far to count.
    pub count: u64,
    /// The time it was sized for; `None` when the user fixed the count.
    pub sized_for: Option<Duration>,
}

impl Work {
    /// Work sized to take about `duration` on this machine.
    pub fn lasting(duration: Duration) -> Self {
        Self {
            count: count_for(duration),
            sized_for: Some(duration),
        }
    }

    /// A count the user chose (`--count N`).
    pub fn fixed(count: u64) -> Self {
        Self {
            count,
            sized_for: None,
        }
    }

    /// The same work `factor` times over (6.1 counts twice as far in its
    /// second process).
    pub fn times(self, factor: u64) -> Self {
        Self {
            count: self.count.saturating_mul(factor),
            sized_for: self.sized_for.map(|d| d * factor as u32),
        }
    }
}

impl fmt::Display for Work {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "counting to {}", grouped(self.count))?;
        match self.sized_for {
            Some(duration) => write!(f, " (about {} on this machine)", seconds(duration)),
            None => write!(f, " (set by --count)"),
        }
    }
}

/// `1234567` as `1,234,567`.
///
/// ```
/// assert_eq!(shared_util::cpu::grouped(1_234_567), "1,234,567");
/// assert_eq!(shared_util::cpu::grouped(12), "12");
/// ```
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `1 s`, `0.5 s`, `2.5 s`: a duration as a person says it.
fn seconds(duration: Duration) -> String {
    let s = duration.as_secs_f64();
    if (s - s.round()).abs() < 1e-9 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_says_what_it_counts_and_why() {
        let sized = Work {
            count: 212_345_678,
            sized_for: Some(Duration::from_secs(1)),
        };
        assert_eq!(
            sized.to_string(),
            "counting to 212,345,678 (about 1 s on this machine)"
        );
        assert_eq!(
            sized.times(2).to_string(),
            "counting to 424,691,356 (about 2 s on this machine)"
        );
        assert_eq!(
            Work::fixed(3_000).to_string(),
            "counting to 3,000 (set by --count)"
        );
        let half = Work {
            count: 10,
            sized_for: Some(Duration::from_millis(500)),
        };
        assert_eq!(
            half.to_string(),
            "counting to 10 (about 0.5 s on this machine)"
        );
    }

    #[test]
    fn a_calibrated_count_takes_roughly_its_time() {
        // Loose on purpose (a busy CI machine): within a factor of five.
        let target = Duration::from_millis(100);
        let n = count_for(target);
        let start = Instant::now();
        count_to(n);
        let took = start.elapsed();
        assert!(took > target / 5 && took < target * 5, "{n} took {took:?}");
    }
}
