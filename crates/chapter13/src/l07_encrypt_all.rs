//! Listing 13.7 — A hundred children encrypting text, all at once.
//!
//! Every text gets its own `gpg` child, started together with
//! `try_join_all` (asyncio's `gather`), so a hundred processes fight over
//! the cores at once. The children do the CPU work, so one runtime thread
//! is plenty for us. `--requests N` changes the number of texts.
//!
//! Run: cargo run -p chapter13 -- 13.7

use futures::future::try_join_all;
use shared_util::{Ctx, async_timed};

use crate::child::{self, LiveChildren};
use crate::encrypt::{Encryptor, random_texts};

#[async_timed]
async fn main(texts: usize, encryptor: Encryptor) -> anyhow::Result<()> {
    let text_list = random_texts(texts, 1000);
    let live = LiveChildren::default();
    let encrypted =
        try_join_all(text_list.iter().map(|text| encryptor.encrypt(text, &live))).await?;

    let bytes: usize = encrypted.iter().map(Vec::len).sum();
    println!(
        "{} texts in, {} ciphertexts out ({bytes} bytes)",
        text_list.len(),
        encrypted.len()
    );
    println!("peak live children: {}", live.peak());
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let encryptor = Encryptor::find("gpg");
    child::interruptible(main(ctx.requests_or(100), encryptor)).await
}
