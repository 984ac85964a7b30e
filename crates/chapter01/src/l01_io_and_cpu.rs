//! Listing 1.1 — I/O-bound and CPU-bound work side by side.
//!
//! Fetch a page (I/O: waiting on the network), turn its headers into
//! `name: value` lines (CPU: a loop over data in memory), write them to a
//! file (I/O again). The page is the in-process demo server's unless `--url`
//! names a real site; the file is `chapter01-headers.txt` in the system's
//! temp dir, the same one on every run (overwritten, never piling up),
//! unless `--out FILE` names another.
//!
//! Run: cargo run -p chapter01 -- 1.1

use shared_util::Ctx;

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let url = ctx.url()?;
    // I/O-bound: the thread waits until the response arrives.
    let response = ureq::get(&url).call()?;
    println!("fetched {url}: status {}", response.status().as_u16());

    // CPU-bound: format every header as one line.
    let mut headers = Vec::new();
    for (name, value) in response.headers() {
        headers.push(format!("{name}: {}", value.to_str().unwrap_or("<binary>")));
    }
    let text = headers.join("\n");

    // I/O-bound again: write the lines to a file.
    let file = match &ctx.options::<crate::Options>().out {
        Some(out) => out.clone(),
        None => std::env::temp_dir().join("chapter01-headers.txt"),
    };
    std::fs::write(&file, text + "\n")
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
    println!(
        "wrote {} header line(s) to {}",
        headers.len(),
        file.display()
    );
    Ok(())
}
