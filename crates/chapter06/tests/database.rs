//! Listing 6.15 against a real PostgreSQL: the demo database the listing
//! starts, reached by every child process, and gone afterwards with every
//! process. Without PostgreSQL the test is reported ignored, except under
//! CI, where it fails.

use std::os::unix::fs::PermissionsExt as _;
use std::time::{Duration, Instant};

use test_harness::{MARKER_VAR, new_marker, processes_under, processes_with_marker, run_bin_with};

const BIN: &str = env!("CARGO_BIN_EXE_chapter06");

#[test]
#[cfg_attr(
    not(has_postgres),
    ignore = "PostgreSQL not found: apt install postgresql"
)]
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
