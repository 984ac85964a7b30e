//! Listing 1.8 — The same two GETs, on two threads.
//!
//! A blocked thread waits in the kernel, so the two requests overlap; the
//! pair takes about as long as one. Python gets the same result because the
//! GIL is released during I/O; Rust threads need no such release. The demo
//! server counts both requests in flight at once.
//!
//! Run: cargo run -p chapter01 -- 1.8

use shared_util::timing::Stopwatch;
use shared_util::{Ctx, secs};

fn read_example(url: &str) -> anyhow::Result<()> {
    let response = ureq::get(url).call()?;
    println!("{}", response.status().as_u16());
    Ok(())
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let url = ctx.url_for("/delay/250")?;
    let stopwatch = Stopwatch::start();

    // Scoped threads may borrow `url`; the scope joins both before it ends.
    std::thread::scope(|scope| {
        let thread_1 = scope.spawn(|| read_example(&url));
        let thread_2 = scope.spawn(|| read_example(&url));
        println!("All threads running!");
        for thread in [thread_1, thread_2] {
            thread
                .join()
                .map_err(|_| anyhow::anyhow!("a request thread panicked"))??;
        }
        anyhow::Ok(())
    })?;

    println!(
        "Running with threads took {} seconds",
        secs(stopwatch.elapsed())
    );
    if let Some(server) = ctx.local_server() {
        println!(
            "the server saw at most {} request(s) at once",
            server.stats().peak_in_flight
        );
    }
    Ok(())
}
