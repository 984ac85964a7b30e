//! Listing 10.9 — A retry helper: a timeout per try, an interval between tries, then "too many retries".
//!
//! `retry(op, max_retries, timeout, retry_interval)` calls `op` up to
//! `max_retries` times; a try that errs or outlives `timeout` (it is then
//! dropped, as `wait_for` cancels it) is logged and, after the interval,
//! tried again; when every try failed the answer is [`TooManyRetries`].
//! `op` is a closure that makes a fresh future per try: a Rust future, like
//! a coroutine object, can only be awaited once. Beyond the book: the
//! interval can grow exponentially, with random "full jitter" so that many
//! clients do not retry in lockstep ([`Backoff`]), and there is no wait
//! after the last try (the book sleeps once more before giving up).
//!
//! Run: cargo run -p chapter10 -- 10.9

use std::future::Future;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use shared_util::Ctx;

/// Every try failed.
#[derive(Debug)]
pub struct TooManyRetries {
    /// How many tries were made.
    pub tries: u32,
    /// Why the last one failed.
    pub last: anyhow::Error,
}

impl std::fmt::Display for TooManyRetries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "too many retries: {} tries failed, the last with: {:#}",
            self.tries, self.last
        )
    }
}

impl std::error::Error for TooManyRetries {}

/// How the wait between tries grows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backoff {
    /// The same interval every time (the book's).
    Fixed,
    /// The interval doubles after each try, up to `max`; with `jitter`,
    /// each wait is drawn at random between 0 and that (full jitter).
    Exponential { max: Duration, jitter: bool },
}

/// When and how often to try.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_retries: u32,
    /// The most one try may take.
    pub timeout: Duration,
    /// The first wait between tries.
    pub retry_interval: Duration,
    pub backoff: Backoff,
    /// Seeds the jitter, so a run can be repeated.
    pub seed: u64,
}

impl Policy {
    /// The book's policy: a fixed interval.
    pub fn fixed(max_retries: u32, timeout: Duration, retry_interval: Duration) -> Self {
        Self {
            max_retries,
            timeout,
            retry_interval,
            backoff: Backoff::Fixed,
            seed: 0,
        }
    }

    /// The wait after failed try number `tried` (0 for the first).
    pub fn wait(&self, tried: u32, rng: &mut StdRng) -> Duration {
        match self.backoff {
            Backoff::Fixed => self.retry_interval,
            Backoff::Exponential { max, jitter } => {
                let ceiling = self
                    .retry_interval
                    .saturating_mul(2_u32.saturating_pow(tried))
                    .min(max);
                if jitter {
                    ceiling.mul_f64(rng.random_range(0.0..=1.0))
                } else {
                    ceiling
                }
            }
        }
    }
}

/// The book's `retry`: up to `max_retries` tries of `op`, each bounded by
/// `timeout`, `retry_interval` apart.
pub async fn retry<T, E, F, Fut>(
    op: F,
    max_retries: u32,
    timeout: Duration,
    retry_interval: Duration,
) -> Result<T, TooManyRetries>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: Into<anyhow::Error>,
{
    retry_with(op, Policy::fixed(max_retries, timeout, retry_interval)).await
}

/// [`retry`] with any [`Policy`].
pub async fn retry_with<T, E, F, Fut>(mut op: F, policy: Policy) -> Result<T, TooManyRetries>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: Into<anyhow::Error>,
{
    let mut rng = StdRng::seed_from_u64(policy.seed);
    let mut last = anyhow::anyhow!("no try was made (max_retries is 0)");
    for retry_num in 0..policy.max_retries {
        last = match tokio::time::timeout(policy.timeout, op()).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(e)) => e.into(),
            Err(_) => anyhow::anyhow!("timed out after {:?}", policy.timeout),
        };
        if retry_num + 1 == policy.max_retries {
            println!("Exception while waiting (tried {retry_num} times), giving up: {last:#}");
            break;
        }
        let wait = policy.wait(retry_num, &mut rng);
        println!(
            "Exception while waiting (tried {retry_num} times), retrying in {:.3} s: {last:#}",
            wait.as_secs_f64()
        );
        tokio::time::sleep(wait).await;
    }
    Err(TooManyRetries {
        tries: policy.max_retries,
        last,
    })
}

/// Shows the helper on a call that fails once, then answers, and prints
/// the waits each policy would make.
pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut calls = 0;
    let answer = retry(
        || {
            calls += 1;
            let this_call = calls;
            async move {
                if this_call == 1 {
                    anyhow::bail!("not yet!")
                }
                anyhow::Ok(format!("answered on call {this_call}"))
            }
        },
        3,
        Duration::from_millis(100),
        Duration::from_millis(100),
    )
    .await?;
    println!("{answer}");

    let interval = Duration::from_millis(100);
    let max = Duration::from_secs(1);
    for (name, backoff) in [
        ("fixed", Backoff::Fixed),
        ("exponential", Backoff::Exponential { max, jitter: false }),
        (
            "exponential with jitter",
            Backoff::Exponential { max, jitter: true },
        ),
    ] {
        let policy = Policy {
            backoff,
            seed: 10,
            ..Policy::fixed(6, interval, interval)
        };
        let mut rng = StdRng::seed_from_u64(policy.seed);
        let waits: Vec<String> = (0..policy.max_retries - 1)
            .map(|tried| format!("{:.3}", policy.wait(tried, &mut rng).as_secs_f64()))
            .collect();
        println!("{name}: waits {} s", waits.join(", "));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use tokio::time::Instant;

    use super::*;

    /// Starts of the tries, relative to `start`, in milliseconds.
    fn offsets(start: Instant, starts: &RefCell<Vec<Instant>>) -> Vec<u128> {
        starts
            .borrow()
            .iter()
            .map(|t| (*t - start).as_millis())
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_call_is_tried_max_retries_times_an_interval_apart() {
        let starts = RefCell::new(Vec::new());
        let start = Instant::now();
        let result: Result<(), _> = retry(
            || {
                starts.borrow_mut().push(Instant::now());
                async { Err(anyhow::anyhow!("I've failed!")) }
            },
            3,
            Duration::from_millis(100),
            Duration::from_millis(250),
        )
        .await;
        let error = result.unwrap_err();
        assert_eq!(error.tries, 3);
        assert!(error.to_string().contains("I've failed!"));
        assert_eq!(offsets(start, &starts), [0, 250, 500]);
        // No wait after the last try.
        assert_eq!(start.elapsed(), Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_call_is_cut_at_the_timeout_each_try() {
        let starts = RefCell::new(Vec::new());
        let finished = RefCell::new(0);
        let start = Instant::now();
        let result: Result<(), TooManyRetries> = retry(
            || {
                starts.borrow_mut().push(Instant::now());
                async {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    *finished.borrow_mut() += 1;
                    anyhow::Ok(())
                }
            },
            3,
            Duration::from_millis(100),
            Duration::from_millis(100),
        )
        .await;
        assert!(result.unwrap_err().last.to_string().contains("timed out"));
        assert_eq!(offsets(start, &starts), [0, 200, 400]);
        // Each slow try was dropped at its timeout, never finished.
        assert_eq!(*finished.borrow(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn success_stops_the_tries() {
        let mut calls = 0;
        let answer = retry(
            || {
                calls += 1;
                let call = calls;
                async move {
                    if call < 3 {
                        Err(anyhow::anyhow!("flaky"))
                    } else {
                        Ok(call)
                    }
                }
            },
            5,
            Duration::from_millis(100),
            Duration::from_millis(100),
        )
        .await
        .unwrap();
        assert_eq!(answer, 3);
        assert_eq!(calls, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn exponential_backoff_doubles_up_to_the_cap_and_jitter_stays_below() {
        let starts = RefCell::new(Vec::new());
        let start = Instant::now();
        let policy = Policy {
            backoff: Backoff::Exponential {
                max: Duration::from_millis(500),
                jitter: false,
            },
            ..Policy::fixed(5, Duration::from_millis(50), Duration::from_millis(100))
        };
        let _ = retry_with(
            || {
                starts.borrow_mut().push(Instant::now());
                async { Err::<(), _>(anyhow::anyhow!("no")) }
            },
            policy,
        )
        .await;
        // Waits 100, 200, 400, then capped at 500.
        assert_eq!(offsets(start, &starts), [0, 100, 300, 700, 1200]);

        let jittered = Policy {
            backoff: Backoff::Exponential {
                max: Duration::from_millis(500),
                jitter: true,
            },
            seed: 7,
            ..policy
        };
        let mut rng = StdRng::seed_from_u64(7);
        let waits: Vec<Duration> = (0..8).map(|n| jittered.wait(n, &mut rng)).collect();
        for (n, wait) in waits.iter().enumerate() {
            let ceiling = policy.wait(u32::try_from(n).unwrap(), &mut rng);
            assert!(*wait <= ceiling, "wait {n}: {wait:?} > {ceiling:?}");
        }
        // Not all the same: the jitter spreads them.
        assert!(waits.windows(2).any(|w| w[0] != w[1]));
    }
}
