//! Every chapter-7 listing except the servers and the terminal UI, run as a
//! user runs it. Checked by what they print and by counts (the demo
//! server's peak in-flight requests, hashes re-derived, digests recomputed),
//! never by wall time.

use sha2::Digest as _;
use test_harness::{Run, run_bin, run_ok};

fn run(args: &[&str]) -> Run {
    run_ok(env!("CARGO_BIN_EXE_chapter07"), args)
}

/// The numbers in every `the server saw N requests, at most M at once` line.
fn server_lines(run: &Run) -> Vec<(u64, u64)> {
    run.lines()
        .iter()
        .filter(|l| l.starts_with("the server saw"))
        .map(|l| {
            let n: Vec<u64> = l.split(' ').filter_map(|w| w.parse().ok()).collect();
            (n[0], n[1])
        })
        .collect()
}

fn pool_size() -> u64 {
    let cores = std::thread::available_parallelism().map_or(1, usize::from) as u64;
    (cores + 4).min(32)
}

#[test]
fn listing_7_3_gets_twice() {
    assert_eq!(run(&["7.3"]).stdout, "200\n200\n");
}

#[test]
fn listing_7_4_pool_bounds_the_requests_in_flight() {
    let run = run(&["7.4", "--requests", "60"]);
    assert_eq!(
        run.positions("60 responses: 200 x 60").len(),
        3,
        "{}",
        run.stdout
    );
    let seen = server_lines(&run);
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|(requests, _)| *requests == 60));
    let (pool, sequential) = (seen[0].1, seen[1].1);
    assert!(pool <= pool_size(), "pool peak {pool}");
    assert_eq!(sequential, 1, "one after the other is one at a time");
    let order = [
        run.position(&format!(
            "a pool of {} threads: finished requests in",
            pool_size()
        )),
        run.position("one after the other: finished requests in"),
        run.position("60 threads: finished requests in"),
    ];
    assert!(order.is_sorted(), "{}", run.stdout);
}

#[test]
fn listing_7_5_pool_from_async_code() {
    let run = run(&["7.5", "--requests", "60"]);
    assert!(
        run.stdout.contains("60 responses: 200 x 60"),
        "{}",
        run.stdout
    );
    // The book times main with @async_timed.
    assert!(run.stdout.contains("finished main in "), "{}", run.stdout);
    let seen = server_lines(&run);
    assert_eq!(seen[0].0, 60);
    assert!(seen[0].1 <= pool_size(), "{}", run.stdout);
}

#[test]
fn listings_7_6_and_7_7_use_the_blocking_pool() {
    for id in ["7.6", "7.7"] {
        let run = run(&[id, "--requests", "40"]);
        assert!(
            run.stdout.contains("40 responses: 200 x 40"),
            "{id}: {}",
            run.stdout
        );
        assert!(
            run.stdout.contains("finished main in "),
            "{id}: {}",
            run.stdout
        );
        assert_eq!(server_lines(&run)[0].0, 40, "{id}");
    }
}

#[test]
fn listing_7_8_reporter_ends_at_the_total() {
    let run = run(&["7.8", "--requests", "60"]);
    let counts: Vec<usize> = run
        .lines()
        .iter()
        .filter_map(|l| l.strip_prefix("Finished "))
        .map(|l| l.split('/').next().unwrap().parse().unwrap())
        .collect();
    assert!(counts.len() >= 2, "{}", run.stdout);
    assert!(counts.is_sorted(), "{counts:?}");
    assert_eq!(counts.last(), Some(&60));
    assert_eq!(run.positions("Finished 60/60 requests").len(), 1);
    assert!(run.stdout.contains("60 responses: 200 x 60"));
}

#[test]
fn listing_7_9_reports_the_relock_instead_of_hanging() {
    let run = run(&["7.9"]);
    assert_eq!(
        run.lines()[..5],
        [
            "Waiting to acquire lock...",
            "Acquired lock.",
            "Summing rest of list.",
            "Waiting to acquire lock...",
            "hang detected: still waiting after 1s: this thread already holds the lock",
        ]
    );
}

#[test]
fn listing_7_10_detects_the_relock_and_the_reentrant_mutex_fixes_it() {
    let run = run(&["7.10"]);
    assert_eq!(
        run.lines(),
        [
            "plain mutex: hang detected: indices_of waited 1s for a lock its own thread holds",
            "reentrant mutex: [2, 2, 2, 2, 2]",
        ]
    );
}

#[test]
fn listing_7_11_reports_the_deadlock_naming_holders() {
    let run = run(&["7.11"]);
    let lines = run.lines();
    assert_eq!(lines.len(), 5, "{}", run.stdout);
    let mut first_two = lines[..2].to_vec();
    first_two.sort();
    assert_eq!(
        first_two,
        [
            "Acquired lock A from method a!",
            "Acquired lock B from method b!"
        ]
    );
    assert_eq!(
        lines[2..],
        [
            "deadlock detected:",
            "  method a holds lock A and waited 1s for lock B",
            "  method b holds lock B and waited 1s for lock A",
        ]
    );
}

#[test]
fn listing_7_11a_one_lock_order_never_deadlocks() {
    let run = run(&["7.11a"]);
    assert_eq!(run.positions("Acquired both locks from method").len(), 2);
    assert_eq!(
        run.lines().last(),
        Some(&"no deadlock: both methods took A before B")
    );
}

/// `password "x"`, `salt ...`, `key ...` as printed; re-derived here.
fn rederive(run: &Run) {
    let value = |prefix: &str| -> String {
        let line = run.lines()[run.position(prefix)].trim().to_owned();
        line.strip_prefix(prefix)
            .unwrap()
            .trim()
            .trim_matches('"')
            .to_owned()
    };
    let unhex = |s: String| -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    };
    let password = value("password ");
    let salt = unhex(value("salt "));
    let key = unhex(value("key "));
    assert_eq!((password.len(), salt.len(), key.len()), (10, 16, 64));
    let mut derived = [0u8; 64];
    let params = scrypt::Params::new(11, 8, 1, 64).unwrap();
    scrypt::scrypt(password.as_bytes(), &salt, &params, &mut derived).unwrap();
    assert_eq!(derived.to_vec(), key);
    assert!(
        run.stdout
            .contains("verified: the same password and salt derive the same key")
    );
}

#[test]
fn listing_7_16_hashes_verifiably() {
    let run = run(&["7.16", "--passwords", "3"]);
    assert!(
        run.stdout
            .starts_with("hashed 3 passwords on one thread in "),
        "{}",
        run.stdout
    );
    rederive(&run);
}

#[test]
fn listing_7_17_pool_hashes_every_password_exactly_once() {
    let run = run(&["7.17", "--passwords", "6"]);
    let order = [
        run.position("one thread: 6 hashes in"),
        run.position("threads: 6 hashes in"),
        run.position("speedup "),
        run.position("6 of 6 passwords hashed exactly once by the pool"),
    ];
    assert!(order.is_sorted(), "{}", run.stdout);
    rederive(&run);
}

#[test]
fn listing_7_17a_matches_known_digests() {
    let run = run(&["7.17a", "--buffers", "3", "--buffer-mib", "1"]);
    assert!(run.stdout.starts_with(
        "SHA-256(\"abc\") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    ));
    assert!(run.stdout.contains("all 3 digests agree"));
    let expected = sha2::Sha256::digest(chapter07::l17a_sha256::buffer(0, 1 << 20));
    let hex: String = expected.iter().map(|b| format!("{b:02x}")).collect();
    assert!(
        run.stdout.contains(&format!("buffer 0: {hex}")),
        "{}",
        run.stdout
    );
}

#[test]
fn listings_7_18_and_7_19_compute_the_row_means() {
    let one = run(&["7.18", "--rows", "7", "--cols", "1000"]);
    assert!(one.stdout.contains("a 7 x 1000 matrix of f64"));
    assert!(one.stdout.contains("one thread: 7 row means in"));
    assert!(
        one.stdout.contains("[0.0, 1.0, 2.0, 3.0, 4.0, ...]"),
        "{}",
        one.stdout
    );
    let pool = run(&["7.19", "--rows", "7", "--cols", "1000"]);
    assert!(
        pool.stdout.contains("threads: 7 row means in"),
        "{}",
        pool.stdout
    );
    assert!(pool.stdout.contains("both give the same means"));
}

/// A matrix too large for memory, for addressing, or empty is refused with
/// a one-line usage error and exit 2, never an allocation abort or the OOM
/// killer.
#[test]
fn listings_7_18_and_7_19_refuse_impossible_sizes() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["--rows", "1000000", "--cols", "1000000000"],
            "memory is available",
        ),
        (
            &["--rows", "4", "--cols", "1000000000000"],
            "memory is available",
        ),
        (
            &["--rows", "18446744073709551615", "--cols", "3"],
            "too large to address",
        ),
        (&["--cols", "0"], "'0' is not a whole number 1 or more"),
    ];
    for id in ["7.18", "7.19"] {
        for (size, message) in cases {
            let args: Vec<&str> = [id].iter().chain(size).copied().collect();
            let run = run_bin(env!("CARGO_BIN_EXE_chapter07"), &args, "");
            assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
            assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
            assert!(!run.stdout.contains("row means"), "{}", run.stdout);
        }
    }
}

/// Buffers larger than memory used to abort the process (SIGABRT).
#[test]
fn listing_7_17a_refuses_buffers_larger_than_memory() {
    for (size, message) in [
        (
            ["--buffers", "1", "--buffer-mib", "1000000"],
            "memory is available",
        ),
        (
            ["--buffers", "18446744073709551615", "--buffer-mib", "2"],
            "too many bytes to address",
        ),
    ] {
        let args: Vec<&str> = ["7.17a"].iter().chain(&size).copied().collect();
        let run = run_bin(env!("CARGO_BIN_EXE_chapter07"), &args, "");
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(!run.stdout.contains("generated"), "{}", run.stdout);
    }
}

#[test]
fn listing_7_4_only_runs_one_way() {
    let run = run(&["7.4", "--only", "pool", "--requests", "30"]);
    assert_eq!(run.positions("a pool of").len(), 1, "{}", run.stdout);
    assert!(
        !run.stdout.contains("one after the other"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("30 threads"), "{}", run.stdout);
    assert!(
        run.stdout.contains("30 responses: 200 x 30"),
        "{}",
        run.stdout
    );
}

#[test]
fn listing_7_17_only_pool_skips_the_one_thread_run() {
    let run = run(&["7.17", "--only", "pool", "--passwords", "6"]);
    assert!(!run.stdout.contains("one thread:"), "{}", run.stdout);
    assert!(!run.stdout.contains("speedup"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("6 of 6 passwords hashed exactly once by the pool"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_value_only_the_listing_can_check_is_a_usage_error() {
    for args in [
        &["7.4", "--only", "nope"][..],
        &["7.17", "--only", "threads"],
    ] {
        let run = run_bin(env!("CARGO_BIN_EXE_chapter07"), args, "");
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .starts_with(&format!("error: listing {}: --only takes", args[0])),
            "{}",
            run.stderr
        );
    }
}
