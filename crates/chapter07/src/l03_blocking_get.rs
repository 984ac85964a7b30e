//! Listing 7.3 — A blocking GET, twice.
//!
//! `ureq` is a blocking HTTP client, the `requests` of this book: each call
//! holds the calling thread until the response is in. Run on the main
//! thread, the two requests happen strictly one after the other.
//!
//! Run: cargo run -p chapter07 -- 7.3

use shared_util::Ctx;

use crate::gets::get_status_code;

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let url = ctx.url()?;
    println!("{}", get_status_code(&url)?);
    println!("{}", get_status_code(&url)?);
    Ok(())
}
