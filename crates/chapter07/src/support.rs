//! Small pieces several listings share: the blocking GET, the pool size
//! Python picks for a `ThreadPoolExecutor`, the server port rule and how
//! bytes are shown.

use shared_util::Ctx;

/// The book's `get_status_code`: one blocking GET, body read to the end,
/// status returned. `ureq` blocks the calling thread like `requests` does.
pub fn get_status_code(url: &str) -> anyhow::Result<u16> {
    let mut response = ureq::get(url).call()?;
    response.body_mut().read_to_vec()?;
    Ok(response.status().as_u16())
}

/// What Python's `ThreadPoolExecutor()` uses: `min(32, cores + 4)` threads.
pub fn python_pool_size() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    (cores + 4).min(32)
}

/// A rayon pool with `threads` threads named `pool-N`.
pub fn thread_pool(threads: usize) -> anyhow::Result<rayon::ThreadPool> {
    Ok(rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("pool-{i}"))
        .build()?)
}

/// Summarises status codes: `1000 responses: 200 x 1000`.
pub fn summary(codes: &[u16]) -> String {
    let mut counts = std::collections::BTreeMap::new();
    for code in codes {
        *counts.entry(code).or_insert(0usize) += 1;
    }
    let parts: Vec<String> = counts.iter().map(|(c, n)| format!("{c} x {n}")).collect();
    format!("{} responses: {}", codes.len(), parts.join(", "))
}

/// Prints the demo server's peak number of requests in flight, then resets
/// its counters for the next phase.
pub fn report_peak(ctx: &Ctx) {
    if let Some(server) = ctx.local_server() {
        let stats = server.stats();
        println!(
            "the server saw {} requests, at most {} at once",
            stats.requests, stats.peak_in_flight
        );
        server.reset_stats();
    }
}

/// `--port`, else 8000; in demo mode a free port.
pub fn server_port(ctx: &Ctx) -> u16 {
    match (ctx.port, ctx.demo) {
        (Some(port), _) => port,
        (None, true) => 0,
        (None, false) => 8000,
    }
}

/// Bytes the way Python prints them: `b"hi\r\n"`.
pub fn show(bytes: &[u8]) -> String {
    format!("b\"{}\"", bytes.escape_ascii())
}
