//! Thread pools: the size Python picks for a `ThreadPoolExecutor`, and a
//! rayon pool with named threads.

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
