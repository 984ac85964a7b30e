//! Listing 7.4 — 1000 blocking GETs: a thread pool, one by one, 1000 threads.
//!
//! The pool has Python's default size, `min(32, cores + 4)`, so at most
//! that many requests are in flight; the demo server's peak in-flight count
//! shows it. Then the same requests one after the other, and then one OS
//! thread each (`--requests N` to change 1000). Threads cost a stack and a
//! kernel task each, which is why 1000 of them are no match for async I/O.
//! Each request asks the demo server for a 20 ms delay, like a nearby site.
//!
//! Run: cargo run -p chapter07 -- 7.4

use rayon::prelude::*;
use shared_util::timing::Stopwatch;
use shared_util::{Ctx, secs};

use crate::gets::{get_status_code, report_peak, summary};
use crate::pools::{python_pool_size, thread_pool};

fn timed<T>(label: &str, work: impl FnOnce() -> T) -> T {
    let start = Stopwatch::start();
    let result = work();
    println!(
        "{label}: finished requests in {} second(s)",
        secs(start.elapsed())
    );
    result
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let url = ctx.url_for("/delay/20")?; // 20 ms, like a nearby site
    let urls = vec![url; ctx.requests_or(1000)];
    let size = python_pool_size();
    // `--only pool|sequential|threads` runs one way, for `compare threadpool`.
    let only = ctx.options::<crate::Options>().only.as_deref();
    if let Some(way) = only
        && !["pool", "sequential", "threads"].contains(&way)
    {
        return Err(shared_util::usage(format!(
            "--only takes pool, sequential or threads, not '{way}'"
        )));
    }
    let wanted = |way: &str| only.is_none_or(|only| only == way);

    if wanted("pool") {
        let pool = thread_pool(size)?;
        let codes: Vec<u16> = timed(&format!("a pool of {size} threads"), || {
            pool.install(|| {
                urls.par_iter()
                    .map(|u| get_status_code(u))
                    .collect::<anyhow::Result<Vec<u16>>>()
            })
        })?;
        println!("{}", summary(&codes));
        report_peak(ctx);
    }

    if wanted("sequential") {
        let codes: Vec<u16> = timed("one after the other", || {
            urls.iter()
                .map(|u| get_status_code(u))
                .collect::<anyhow::Result<Vec<u16>>>()
        })?;
        println!("{}", summary(&codes));
        report_peak(ctx);
    }

    if wanted("threads") {
        let codes: Vec<u16> = timed(&format!("{} threads", urls.len()), || {
            let threads: Vec<_> = urls
                .iter()
                .map(|u| {
                    let u = u.clone();
                    std::thread::spawn(move || get_status_code(&u))
                })
                .collect();
            threads
                .into_iter()
                .map(|t| {
                    t.join()
                        .map_err(|_| anyhow::anyhow!("a request thread panicked"))?
                })
                .collect::<anyhow::Result<Vec<u16>>>()
        })?;
        println!("{}", summary(&codes));
        report_peak(ctx);
    }
    Ok(())
}
