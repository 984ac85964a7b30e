//! Listing 13.8 — A thousand children, at most one per core at a time.
//!
//! A `tokio::sync::Semaphore` sized to the core count (`--limit N` to
//! change it) is held from before a child is spawned until after it is
//! reaped, so at most that many children live at once: the counter below
//! checks it. `--requests N` changes the number of texts (1000 by default).
//!
//! Run: cargo run -p chapter13 -- 13.8

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

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let encryptor = Encryptor::find("gpg");
    child::interruptible(main(ctx.requests_or(1000), ctx.limit_or(cores), encryptor)).await
}
