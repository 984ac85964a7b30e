//! Listing 13.8 — A thousand children, at most one per core at a time.
//!
//! A `tokio::sync::Semaphore` sized to the core count (`--limit N` to
//! change it) is held from before a child is spawned until after it is
//! reaped, so at most that many children live at once: the counter below
//! checks it.
//!
//! The book encrypts 1000 texts. A `gpg` child costs about a third of a
//! second of CPU here (most of it gpg seeding its random generator), so
//! 1000 of them keep two cores busy for four minutes or more: too long
//! for a class. Without `--requests`, the listing first times one round
//! of children (one per permit) and then encrypts as many texts as fit in
//! about 15 seconds, at most the book's 1000, and says so; `--requests
//! 1000` runs the book's number.
//!
//! Run: cargo run -p chapter13 -- 13.8

use std::time::{Duration, Instant};

use futures::future::try_join_all;
use shared_util::{Ctx, async_timed};
use tokio::sync::Semaphore;

use crate::child::{self, LiveChildren};
use crate::encrypt::{Encryptor, random_texts};

async fn encrypt(
    semaphore: &Semaphore,
    encryptor: &Encryptor,
    text: &str,
    live: &LiveChildren,
) -> anyhow::Result<Vec<u8>> {
    let _permit = semaphore.acquire().await?;
    encryptor.encrypt(text, live).await
}

#[async_timed]
async fn main(texts: usize, limit: usize, encryptor: Encryptor) -> anyhow::Result<()> {
    let text_list = random_texts(texts, 1000);
    let semaphore = Semaphore::new(limit);
    let live = LiveChildren::default();
    println!("encrypting {texts} texts, at most {limit} children at a time");
    let encrypted = try_join_all(
        text_list
            .iter()
            .map(|text| encrypt(&semaphore, &encryptor, text, &live)),
    )
    .await?;

    let empty = encrypted.iter().filter(|c| c.is_empty()).count();
    println!(
        "{} texts in, {} ciphertexts out, {empty} empty",
        text_list.len(),
        encrypted.len()
    );
    println!(
        "peak live children: {} (semaphore size {limit})",
        live.peak()
    );
    Ok(())
}

/// The book's number of texts.
const BOOK_TEXTS: usize = 1000;

/// About how long the default run should take.
const CLASS_RUN: Duration = Duration::from_secs(15);

/// How many texts fit in [`CLASS_RUN`] when one round of `limit` children
/// (all at once, as the semaphore lets them run) takes `round`: at least
/// four rounds, so the semaphore has work to hold back, at most the
/// book's 1000.
fn texts_for(round: Duration, limit: usize) -> usize {
    let rounds = CLASS_RUN.as_secs_f64() / round.as_secs_f64().max(1e-3);
    // Truncating a small positive float: the count of whole texts.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let texts = (rounds * limit as f64) as usize;
    texts.clamp(limit.saturating_mul(4), BOOK_TEXTS.max(limit * 4))
}

/// Times one round of `limit` children and sizes the run from it, saying
/// what it measured and what the book's 1000 would take.
async fn sized_by_time(encryptor: &Encryptor, limit: usize) -> anyhow::Result<usize> {
    let probe = random_texts(limit, 1000);
    let live = LiveChildren::default();
    let started = Instant::now();
    try_join_all(probe.iter().map(|text| encryptor.encrypt(text, &live))).await?;
    let round = started.elapsed();
    let texts = texts_for(round, limit);
    // A whole number of rounds for the book's texts, as a rough time.
    #[allow(clippy::cast_precision_loss)]
    let book = round.as_secs_f64() * (BOOK_TEXTS as f64 / limit as f64);
    if texts < BOOK_TEXTS {
        println!(
            "one round of {limit} children took {:.2} s: {texts} texts fit in about {} s here (the book's {BOOK_TEXTS} would take about {book:.0} s; --requests {BOOK_TEXTS} runs them)",
            round.as_secs_f64(),
            CLASS_RUN.as_secs()
        );
    }
    Ok(texts)
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let limit = ctx.limit_or(cores);
    let encryptor = Encryptor::find("gpg");
    child::interruptible(async {
        let texts = match ctx.flags.requests {
            Some(texts) => texts,
            None => sized_by_time(&encryptor, limit).await?,
        };
        main(texts, limit, encryptor.clone()).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_run_is_sized_to_about_fifteen_seconds() {
        // 0.5 s a round of 2: 30 rounds of 2 texts.
        assert_eq!(texts_for(Duration::from_millis(500), 2), 60);
        // Fast children: the book's 1000, never more.
        assert_eq!(texts_for(Duration::from_millis(5), 2), 1000);
        // Very slow children: still four rounds, so the semaphore shows.
        assert_eq!(texts_for(Duration::from_secs(30), 2), 8);
        assert_eq!(texts_for(Duration::from_secs(1), 400), 1600);
    }
}
