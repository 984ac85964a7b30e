//! Listing 6.15 against a real PostgreSQL: the demo database the listing
//! starts, reached by every child process, and gone afterwards with every
//! process. Without PostgreSQL the test is reported ignored, except under
//! CI, where it fails.

use std::os::unix::fs::PermissionsExt as _;
use std::time::{Duration, Instant};

use test_harness::{MARKER_VAR, new_marker, processes_under, processes_with_marker, run_bin_with};

const BIN: &str = env!("CARGO_BIN_EXE_chapter06");

/// The client's and the server's CPU per query, in µs, of each
/// "CPU per query" line.
fn per_query(run: &test_harness::Run) -> Vec<(f64, f64)> {
    let number_after = |line: &str, marker: &str| -> f64 {
        let rest = &line[line
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} in {line}"))
            + marker.len()..];
        rest.split(' ').next().unwrap().parse().unwrap()
    };
    run.lines()
        .iter()
        .filter(|l| l.starts_with("  CPU per query: "))
        .map(|l| (number_after(l, "client "), number_after(l, "server ")))
        .collect()
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_6_15_queries_from_every_process_and_leaves_nothing() {
    let marker = new_marker("ch6-db");
    // Sticky and open to all like /tmp: as root, the server's user must be
    // able to delete its directory here.
    let dir = std::env::temp_dir().join(&marker);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let run = run_bin_with(
        BIN,
        &["6.15", "--queries", "200", "--processes", "3"],
        "",
        &[(MARKER_VAR, &marker), ("TMPDIR", dir.to_str().unwrap())],
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("one process: 200 queries in "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("3 processes at once: 600 queries in "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Retrieved 600 products the product database.")
    );
    // Four children in all, each timing its own gather.
    let children: std::collections::BTreeSet<&str> = run
        .lines()
        .iter()
        .filter(|l| l.contains("finished query_products_concurrently"))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(children.len(), 4, "{}", run.stdout);
    // Where the CPU went, for both runs, and which limit one process met:
    // the demo database runs here, so the server's share is measured.
    let cpu = per_query(&run);
    assert_eq!(cpu.len(), 2, "{}", run.stdout);
    assert!(
        cpu.iter()
            .all(|(client, server)| *client > 0.0 && *server > 0.0),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("why: one client's thread could drive at most "),
        "{}",
        run.stdout
    );

    // Extra client work per query, as a Python driver spends: one process's
    // thread becomes the limit, the book's case (given two cores or more).
    let client_bound = run_bin_with(
        BIN,
        &[
            "6.15",
            "--queries",
            "100",
            "--processes",
            "2",
            "--client-cpu-us",
            "2000",
        ],
        "",
        &[(MARKER_VAR, &marker), ("TMPDIR", dir.to_str().unwrap())],
    );
    assert_eq!(
        client_bound.code,
        Some(0),
        "{}\n{}",
        client_bound.stdout,
        client_bound.stderr
    );
    let cpu = per_query(&client_bound);
    assert!(
        cpu.iter().all(|(client, _)| *client >= 1500.0),
        "{}",
        client_bound.stdout
    );
    if std::thread::available_parallelism().map_or(1, usize::from) >= 2 {
        assert!(
            client_bound
                .stdout
                .contains("so one client's thread is the limit, as in the book"),
            "{}",
            client_bound.stdout
        );
    }

    let deadline = Instant::now() + Duration::from_secs(15);
    let left = || {
        processes_with_marker(&marker).len()
            + processes_under(&dir).len()
            + std::fs::read_dir(&dir).unwrap().count()
    };
    while left() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(left(), 0, "processes or files left in {}", dir.display());
    std::fs::remove_dir(&dir).unwrap();
}
