//! Listing 4.3 — Client-level and per-request timeouts.
//!
//! aiohttp's `ClientTimeout(total=1, connect=.1)` on the session becomes
//! `Client::builder().timeout(..).connect_timeout(..)`, and a per-request
//! `timeout=` becomes `RequestBuilder::timeout`, which replaces the client's
//! total for that request. reqwest has no default total timeout at all
//! (aiohttp's is five minutes), so set one. The demo server's `/delay/100`
//! answers after 100 ms: the 10 ms bound trips, and we print the error.
//!
//! Run: cargo run -p chapter04 -- 4.3

use std::time::Duration;

use shared_util::Ctx;

async fn fetch_status(client: &reqwest::Client, url: &str) -> reqwest::Result<u16> {
    let ten_millis = Duration::from_millis(10);
    let response = client.get(url).timeout(ten_millis).send().await?;
    println!("{}", response.status().as_u16());
    Ok(response.status().as_u16())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(1))
        .connect_timeout(Duration::from_millis(100))
        .build()?;
    let url = ctx.url_for("/delay/100")?;
    match fetch_status(&client, &url).await {
        Ok(_status) => println!("the request beat the 10 ms timeout"),
        Err(error) if error.is_timeout() => {
            println!(
                "the request to {url} timed out: {:#}",
                anyhow::Error::new(error)
            );
        }
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
