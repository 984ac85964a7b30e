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
    fn a_new_thread_is_counted_while_it_runs() {
        let before = super::os_thread_count().unwrap();
        let (stop, wait) = std::sync::mpsc::channel::<()>();
        let handle = std::thread::spawn(move || wait.recv());
        // Other tests may start threads too, so only "more than before" holds.
        assert!(super::os_thread_count().unwrap() > before.saturating_sub(1));
        stop.send(()).unwrap();
        handle.join().unwrap().unwrap();
    }
}
