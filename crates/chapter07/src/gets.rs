//! The blocking GET the thread-pool listings share (`get_status_code`),
//! with the summary of its status codes and the demo server's peak count.

use shared_util::Ctx;

/// The book's `get_status_code`: one blocking GET, body read to the end,
/// status returned. `ureq` blocks the calling thread like `requests` does.
pub fn get_status_code(url: &str) -> anyhow::Result<u16> {
    let mut response = ureq::get(url).call()?;
    response.body_mut().read_to_vec()?;
    Ok(response.status().as_u16())
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
