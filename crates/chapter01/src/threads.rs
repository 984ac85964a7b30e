//! What the operating system says about this process's threads.
//!
//! Python's `threading.active_count()` counts the threads Python started.
//! Rust has no such registry, so we ask the kernel: the `Threads:` line of
//! `/proc/self/status` is the number of OS threads in this process right
//! now, whoever started them (Linux only).

/// The number of OS threads this process runs at this moment.
pub fn os_thread_count() -> anyhow::Result<usize> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| {
        anyhow::anyhow!("could not read /proc/self/status (thread counts need Linux): {e}")
    })?;
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .ok_or_else(|| anyhow::anyhow!("/proc/self/status has no Threads: line"))?;
    Ok(line.trim().parse()?)
}

/// The current thread's name; unnamed threads are shown by their id.
pub fn current_thread_name() -> String {
    let thread = std::thread::current();
    match thread.name() {
        Some(name) => name.to_owned(),
        None => format!("{:?}", thread.id()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn new_threads_are_counted_while_they_run() {
        const SPAWNED: usize = 8;
        let before = super::os_thread_count().unwrap();
        let (stop, wait) = std::sync::mpsc::channel::<()>();
        let wait = std::sync::Arc::new(std::sync::Mutex::new(wait));
        let handles: Vec<_> = (0..SPAWNED)
            .map(|_| {
                let wait = std::sync::Arc::clone(&wait);
                std::thread::spawn(move || {
                    let _ = wait.lock().unwrap().recv();
                })
            })
            .collect();
        // The test harness runs the crate's other unit test (one thread) in
        // parallel; it may end between the two counts, so allow for one.
        let during = super::os_thread_count().unwrap();
        assert!(during >= before + SPAWNED - 1, "{before} -> {during}");
        drop(stop);
        for handle in handles {
            handle.join().unwrap();
        }
    }
}
