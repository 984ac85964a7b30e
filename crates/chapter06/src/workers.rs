//! The programs this binary runs as a child process (`__worker NAME`).
//!
//! Listings start them with `shared_util::ctx::worker_command(NAME)`; each
//! function below is one child's `main`. Every worker first arranges to die
//! with its parent, so none outlives the listing.

use std::io::{BufRead as _, Write as _};
use std::path::Path;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::time::{Duration, Instant};

use runner::Worker;
use shared_util::cpu::count_to;
use shared_util::secs;
use shared_util::timing::Stopwatch;

use crate::process::die_with_parent;
use crate::shared::SharedMemory;

/// Every worker of the chapter, for `CHAPTER.workers`.
pub const WORKERS: &[Worker] = &[
    Worker {
        name: "count",
        run: count,
    },
    Worker {
        name: "pool",
        run: pool,
    },
    Worker {
        name: "increment-value",
        run: increment_value,
    },
    Worker {
        name: "increment-array",
        run: increment_array,
    },
    Worker {
        name: "racy-increment",
        run: racy_increment,
    },
    Worker {
        name: "lock-increment",
        run: lock_increment,
    },
    Worker {
        name: "atomic-increment",
        run: atomic_increment,
    },
    Worker {
        name: "query-products",
        run: crate::queries::worker,
    },
];

fn arg<'a>(args: &'a [String], what: &str) -> anyhow::Result<&'a str> {
    args.first()
        .map(String::as_str)
        .ok_or_else(|| anyhow::anyhow!("missing argument: {what}"))
}

/// `count N`: listing 6.1's child, counting to N.
fn count(args: &[String]) -> anyhow::Result<()> {
    die_with_parent();
    let count_to_n: u64 = arg(args, "N")?.parse()?;
    let stopwatch = Stopwatch::start();
    count_to(count_to_n);
    println!(
        "Finished counting to {count_to_n} in {} seconds (process {})",
        secs(stopwatch.elapsed()),
        std::process::id()
    );
    Ok(())
}

/// `pool [SHARED_FILE]`: a pool worker. The optional file is the
/// initializer's argument: shared memory mapped once, at start-up.
fn pool(args: &[String]) -> anyhow::Result<()> {
    die_with_parent();
    let shared = args
        .first()
        .map(|path| SharedMemory::open(Path::new(path)))
        .transpose()?;
    let stdout = std::io::stdout();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let (job, argument) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        let answer = match job {
            "hello" => Ok(format!("Hi there, {argument}")),
            "count" => argument
                .parse::<u64>()
                .map_err(anyhow::Error::from)
                .map(|n| {
                    let stopwatch = Stopwatch::start();
                    let counter = count_to(n);
                    let took = secs(stopwatch.elapsed());
                    let _ = writeln!(stdout.lock(), "say Finished counting to {n} in {took}");
                    counter.to_string()
                }),
            // A map operation of listing 6.14: CPU work, then one tick of
            // the shared progress counter.
            "map" => match (&shared, argument.parse::<u64>()) {
                (Some(shared), Ok(n)) => {
                    count_to(n);
                    Ok((shared.slots()[0].fetch_add(1, SeqCst) + 1).to_string())
                }
                _ => Err(anyhow::anyhow!("map needs a shared counter and a count")),
            },
            // A map operation of listing 6.14 over the Ngram file: map the
            // byte range START..END of PATH, tick the shared progress
            // counter, answer the partial frequencies as `word count ...`.
            "map-file" => match &shared {
                Some(shared) => map_file(argument).inspect(|_| {
                    shared.slots()[0].fetch_add(1, SeqCst);
                }),
                None => Err(anyhow::anyhow!("map-file needs a shared counter")),
            },
            "increment" => match &shared {
                Some(shared) => Ok((shared.slots()[0].fetch_add(1, SeqCst) + 1).to_string()),
                None => Err(anyhow::anyhow!(
                    "no shared counter: the pool has no initializer"
                )),
            },
            other => Err(anyhow::anyhow!("unknown job '{other}'")),
        };
        let mut out = stdout.lock();
        match answer {
            Ok(result) => writeln!(out, "ok {result}")?,
            Err(error) => writeln!(out, "err {error}")?,
        }
        out.flush()?;
    }
    Ok(())
}

/// `PATH START END`: word frequencies of that byte range of the file, as
/// `word count word count ...` on one line (words hold no spaces).
fn map_file(argument: &str) -> anyhow::Result<String> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let mut parts = argument.rsplitn(3, ' ');
    let (Some(end), Some(start), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
        anyhow::bail!("map-file takes PATH START END, not {argument:?}");
    };
    let (start, end): (u64, u64) = (start.parse()?, end.parse()?);
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let mut text = String::new();
    file.take(end - start).read_to_string(&mut text)?;
    let frequencies = crate::ngram::map_frequencies(&text);
    let mut answer = String::new();
    for (word, count) in frequencies {
        answer.push_str(&format!("{word} {count} "));
    }
    Ok(answer)
}

/// Listing 6.10: add one to the shared value (slot 0).
fn increment_value(args: &[String]) -> anyhow::Result<()> {
    die_with_parent();
    let shared = SharedMemory::open(Path::new(arg(args, "shared file")?))?;
    shared.slots()[0].fetch_add(1, SeqCst);
    Ok(())
}

/// Listing 6.10: add one to every element of the shared array (slots 1..).
fn increment_array(args: &[String]) -> anyhow::Result<()> {
    die_with_parent();
    let shared = SharedMemory::open(Path::new(arg(args, "shared file")?))?;
    for element in &shared.slots()[1..] {
        element.fetch_add(1, SeqCst);
    }
    Ok(())
}

/// Waits (bounded) until both racers have arrived (slot 1), so that their
/// increments overlap in time instead of one process finishing before the
/// other has even started.
fn start_line(shared: &SharedMemory) {
    shared.slots()[1].fetch_add(1, SeqCst);
    let deadline = Instant::now() + Duration::from_secs(2);
    while shared.slots()[1].load(SeqCst) < 2 && Instant::now() < deadline {
        std::thread::yield_now();
    }
}

/// `value += 1` as CPython does it: read, then write back. With `widen`,
/// some counting sits between the two, holding the race window open.
fn read_then_write(counter: &std::sync::atomic::AtomicI64, widen: bool) {
    let value = counter.load(Relaxed);
    // The other process may read the same value while we are here.
    if widen {
        count_to(std::hint::black_box(1_000_000));
    }
    counter.store(value + 1, Relaxed);
}

/// Listing 6.11: `racy-increment FILE [widen]`, the unguarded `+= 1`.
fn racy_increment(args: &[String]) -> anyhow::Result<()> {
    die_with_parent();
    let shared = SharedMemory::open(Path::new(arg(args, "shared file")?))?;
    start_line(&shared);
    read_then_write(
        &shared.slots()[0],
        args.get(1).is_some_and(|a| a == "widen"),
    );
    Ok(())
}

/// Listing 6.12, the book's fix: `lock-increment FILE [widen]` takes a lock
/// that lives in the shared memory (slot 2: 0 free, 1 held) around the same
/// read and write, so the other process cannot get in between.
fn lock_increment(args: &[String]) -> anyhow::Result<()> {
    die_with_parent();
    let shared = SharedMemory::open(Path::new(arg(args, "shared file")?))?;
    start_line(&shared);
    let lock = &shared.slots()[2];
    while lock.compare_exchange(0, 1, SeqCst, SeqCst).is_err() {
        std::thread::yield_now();
    }
    read_then_write(
        &shared.slots()[0],
        args.get(1).is_some_and(|a| a == "widen"),
    );
    lock.store(0, SeqCst);
    Ok(())
}

/// Listing 6.12: one indivisible read-modify-write.
fn atomic_increment(args: &[String]) -> anyhow::Result<()> {
    die_with_parent();
    let shared = SharedMemory::open(Path::new(arg(args, "shared file")?))?;
    start_line(&shared);
    shared.slots()[0].fetch_add(1, SeqCst);
    Ok(())
}
