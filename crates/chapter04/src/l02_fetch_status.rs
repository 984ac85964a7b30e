//! Listing 4.2 — One GET through a shared client, printing the status.
//!
//! aiohttp's `ClientSession` is reqwest's `Client`: a connection pool, made
//! once per program and passed to whoever sends requests. Python needs
//! `async with` to close the session; a `Client` closes its pooled
//! connections when the last clone is dropped. reqwest never gives up on a
//! silent server unless told to, so the client gets a 30 s total timeout.
//! The demo server stands in for example.com; `--url https://www.example.com`
//! uses the real one.
//!
//! Run: cargo run -p chapter04 -- 4.2

use std::time::Duration;

use shared_util::Ctx;

async fn fetch_status(client: &reqwest::Client, url: &str) -> anyhow::Result<u16> {
    let response = client.get(url).send().await?;
    Ok(response.status().as_u16())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let url = ctx.url()?;
    let status = fetch_status(&client, &url).await?;
    println!("Status for {url} was {status}");
    Ok(())
}
