//! Listing 1.8b — Three tasks interleave CPU work and I/O on one thread.
//!
//! The book's figure 1.10 in code: each task does CPU-bound setup, awaits a
//! web request (the demo server's `/delay/400`, plus any `--latency-ms`),
//! then does CPU-bound post-processing. On the current-thread runtime only
//! one task computes at a time, but the three requests wait together. Run
//! with `--timeline` to see it. Each CPU phase is sized to about 0.2 s on
//! this machine, in any build; `--count N` fixes it.
//!
//! Run: cargo run -p chapter01 -- 1.8b --timeline

use shared_util::cpu::count_to;
use shared_util::{Ctx, timed};

async fn make_request(task: u32, url: String, work: u64) -> anyhow::Result<()> {
    count_to(work);
    println!("task {task}: setup done, waiting for I/O");
    let status = reqwest::get(&url).await?.status();
    println!("task {task}: response {}, post-processing", status.as_u16());
    count_to(work);
    println!("task {task}: done");
    Ok(())
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let url = ctx.url_for("/delay/400")?;
    let work = ctx.cpu_work(0.2);
    println!("each CPU phase is {work}");
    let work = work.count;
    // `timed` is `#[async_timed]` for a future: it names the span "task N"
    // instead of printing the URL argument.
    let task_one = tokio::spawn(timed("task 1", make_request(1, url.clone(), work)));
    let task_two = tokio::spawn(timed("task 2", make_request(2, url.clone(), work)));
    let task_three = tokio::spawn(timed("task 3", make_request(3, url, work)));

    task_one.await??;
    task_two.await??;
    task_three.await??;
    if let Some(server) = ctx.local_server() {
        println!(
            "the server saw at most {} request(s) at once",
            server.stats().peak_in_flight
        );
    }
    Ok(())
}
