//! Listing 11.9 — A bounded semaphore refuses the extra release.
//!
//! asyncio's `BoundedSemaphore` raises `ValueError` when released more often
//! than acquired. Tokio has no such type and needs none: a permit is returned
//! when its guard drops, so the count cannot grow unless a permit is
//! `forget()`-ed and re-added by hand. Manual acquire/release is exactly that,
//! so this `BoundedSemaphore` wraps a `Semaphore` and checks the bound.
//!
//! Run: cargo run -p chapter11 -- 11.9

use std::sync::Mutex;

use shared_util::Ctx;
use tokio::sync::Semaphore;

/// A semaphore with manual `acquire`/`release` that never holds more than
/// the permits it started with.
pub struct BoundedSemaphore {
    semaphore: Semaphore,
    /// The permits it started with: the most it may ever hold.
    bound: usize,
    /// Makes "check the count, then add a permit" one step.
    releasing: Mutex<()>,
}

impl BoundedSemaphore {
    pub fn new(permits: usize) -> Self {
        Self {
            semaphore: Semaphore::new(permits),
            bound: permits,
            releasing: Mutex::new(()),
        }
    }

    /// Takes a permit and keeps it until `release` is called.
    pub async fn acquire(&self) -> anyhow::Result<()> {
        self.semaphore.acquire().await?.forget();
        Ok(())
    }

    /// Gives a permit back; an error if that would exceed the bound.
    pub fn release(&self) -> anyhow::Result<()> {
        let _one_at_a_time = self.releasing.lock().unwrap_or_else(|e| e.into_inner());
        if self.semaphore.available_permits() >= self.bound {
            anyhow::bail!("BoundedSemaphore released too many times");
        }
        self.semaphore.add_permits(1);
        Ok(())
    }
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let semaphore = BoundedSemaphore::new(1);

    semaphore.acquire().await?;
    println!("Acquired");
    semaphore.release()?;
    println!("Released");
    match semaphore.release() {
        Ok(()) => println!("Released again (the bound did not hold!)"),
        Err(error) => println!("Second release refused: {error}"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_second_release_is_an_error() {
        let semaphore = BoundedSemaphore::new(1);
        semaphore.acquire().await.unwrap();
        semaphore.release().unwrap();
        let error = semaphore.release().unwrap_err();
        assert_eq!(
            error.to_string(),
            "BoundedSemaphore released too many times"
        );
        assert_eq!(semaphore.semaphore.available_permits(), 1);
    }

    #[tokio::test]
    async fn releasing_what_was_acquired_is_fine() {
        let semaphore = BoundedSemaphore::new(3);
        for _ in 0..3 {
            semaphore.acquire().await.unwrap();
        }
        for _ in 0..3 {
            semaphore.release().unwrap();
        }
        assert!(semaphore.release().is_err());
    }
}
