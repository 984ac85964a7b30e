//! Every chapter-10 listing, run as a user runs it: the real binary, real
//! flags, real loopback HTTP and a real PostgreSQL. The retry and breaker
//! listings run on a paused clock and their whole transcript is compared
//! with a snapshot; the services and the backend-for-frontend are checked
//! by statuses, bodies and the services' call counts, never by wall time.

use test_harness::{Run, run_bin, run_ok};

const BIN: &str = env!("CARGO_BIN_EXE_chapter10");

/// Runs a listing against the shared server's database.
fn run_db(args: &[&str]) -> Run {
    let url = crate::common::database_url();
    let mut all = args.to_vec();
    all.extend(["--database-url", url]);
    run_ok(BIN, &all)
}

/// The text after `marker` on the lines containing it.
fn after<'a>(run: &'a Run, marker: &str) -> Vec<&'a str> {
    run.stdout
        .lines()
        .filter_map(|line| line.find(marker).map(|at| &line[at + marker.len()..]))
        .collect()
}

#[test]
fn timer_listings_match_their_snapshots() {
    for id in ["10.9", "10.10", "10.11", "10.12"] {
        let run = run_ok(BIN, &[id, "--virtual-time"]);
        insta::assert_snapshot!(format!("listing_{}", id.replace('.', "_")), run.stdout);
    }
}

/// The book's printed run of 10.12, line for line.
const BOOK_10_12: [&str; 13] = [
    "Circuit is closed, requesting!",
    "Making request!",
    "Circuit is closed, requesting!",
    "Making request!",
    "Circuit is open, failing fast!",
    "Circuit is open, failing fast!",
    "Sleeping for 5 seconds so breaker closes...",
    "Circuit is going from open to closed, resetting!",
    "Making request!",
    "Circuit is closed, requesting!",
    "Making request!",
    "Circuit is open, failing fast!",
    "Circuit is open, failing fast!",
];

#[test]
fn listing_10_12_prints_the_books_transcript_then_the_half_open_addition() {
    let run = run_ok(BIN, &["10.12", "--virtual-time"]);
    let (book, beyond) = run
        .stdout
        .split_once("Beyond the book")
        .expect("the half-open part is announced");
    // Our additions: when each request ended, and the moment it opened.
    let ours = |line: &&str| line.starts_with('[') || line.starts_with("Circuit goes from");
    let lines: Vec<&str> = book
        .lines()
        .filter(|line| !line.is_empty() && !ours(line))
        .collect();
    assert_eq!(lines, BOOK_10_12, "{}", run.stdout);
    // Closed again after the rest: two more timeouts, at 8 s and 9 s.
    assert!(book.contains("[8.0 s] timed out\nCircuit is closed, requesting!"));
    assert!(book.contains("[9.0 s] timed out\nCircuit is open, failing fast!"));
    // Half-open: one trial after the rest, and its one failure reopens it.
    assert_eq!(after(&run, "Circuit goes from half-open to open").len(), 1);
    assert!(!beyond.contains("Circuit is going from open to closed"));
    assert_eq!(beyond.matches("Making request!").count(), 3);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_10_2_creates_both_databases_with_six_rows_each() {
    // A demo database of its own: this listing drops and refills the
    // tables the other tests' services read.
    let run = run_ok(BIN, &["10.2"]);
    assert!(
        run.stdout.contains("database cart: CREATE DATABASE"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("database favorites: CREATE DATABASE"));
    assert_eq!(run.stdout.matches("CREATE TABLE user_cart").count(), 1);
    assert_eq!(run.stdout.matches("CREATE TABLE user_favorite").count(), 1);
    assert_eq!(run.stdout.matches("INSERT 0 1").count(), 12);
    assert!(run.stdout.contains("INSERT 0 1  (2, 5)"));
    assert!(run.stdout.contains("INSERT 0 1  (3, 3)"));
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_10_4_opens_six_connections_per_pool_and_closes_them() {
    let run = run_db(&["10.4"]);
    assert_eq!(
        run.stdout
            .matches("6 connection(s) open, the server counts 6")
            .count(),
        3,
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("closed, the server counts 0").count(), 3);
}

#[test]
fn listing_10_1_answers_a_stock_count_for_each_product() {
    let run = run_ok(BIN, &["10.1", "--demo"]);
    let answers = after(&run, "-> 200 OK in ");
    assert_eq!(answers.len(), 3, "{}", run.stdout);
    for answer in answers {
        let json = &answer[answer.find('{').unwrap()..];
        let body: serde_json::Value = serde_json::from_str(json).unwrap();
        let n = body["inventory"].as_i64().unwrap();
        assert!((0..=100).contains(&n), "{answer}");
    }
    assert!(
        run.stdout
            .contains("inventory: 3 call(s), 3 answered, 0 cancelled, 0 still running")
    );
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listings_10_5_and_10_6_answer_each_users_products_and_400_for_a_bad_id() {
    let favorites = run_db(&["10.5", "--demo"]);
    let product_ids = r#"[{"product_id":1},{"product_id":2},{"product_id":3}]"#;
    assert!(
        favorites
            .stdout
            .contains("GET /users/1/favorites -> 200 OK"),
        "{}",
        favorites.stdout
    );
    assert_eq!(favorites.stdout.matches(product_ids).count(), 2);
    assert!(
        favorites
            .stdout
            .contains("GET /users/x/favorites -> 400 Bad Request")
    );

    let cart = run_db(&["10.6", "--demo"]);
    let user = |n: u32| {
        let line = after(&cart, &format!("GET /users/{n}/cart -> 200 OK in "));
        line[0][line[0].find(": ").unwrap() + 2..].to_owned()
    };
    assert_eq!(user(1), product_ids, "{}", cart.stdout);
    assert_eq!(user(3), "[]");
    assert!(cart.stdout.contains("GET /users/x/cart -> 400 Bad Request"));
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_10_7_lists_the_catalogue() {
    let run = run_db(&["10.7", "--demo", "--catalogue", "3"]);
    assert!(
        run.stdout.contains("GET /products -> 200 OK in "),
        "{}",
        run.stdout
    );
    let products: Vec<serde_json::Value> = run
        .lines()
        .iter()
        .filter_map(|line| line.strip_prefix("  "))
        .map(|item| serde_json::from_str(item.trim_end_matches(',')).unwrap())
        .collect();
    let ids: Vec<i64> = products
        .iter()
        .map(|p| p["product_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(
        products[0]["product_name"]
            .as_str()
            .unwrap()
            .split(' ')
            .count(),
        10
    );
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_10_8_answers_the_page_and_leaves_no_call_running() {
    let run = run_db(&["10.8", "--demo"]);
    assert!(
        run.stdout.contains("GET /products/all -> 200 OK"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(r#"{"cart_items":0,"favorite_items":3,"products":["#)
    );
    assert_eq!(run.stdout.matches(r#"{"product_id":"#).count(), 10);
    assert!(run.stdout.contains("  inventory 10 call(s), "));
    assert_eq!(run.stdout.matches(", 0 still running").count(), 4);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_10_8_takes_faults_from_the_command_line() {
    let run = run_db(&["10.8", "--demo", "--fault", "products=slow"]);
    assert!(run.stdout.contains("products service on 127.0.0.1:"));
    assert!(
        run.stdout.contains("(fault switch: slow)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("GET /products/all -> 504 Gateway Timeout")
    );
    assert!(
        run.stdout
            .contains("  products  1 call(s), 0 answered, 1 cancelled, 0 still running")
    );
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_10_8a_walks_through_every_failure() {
    let run = run_db(&["10.8a"]);
    let statuses: Vec<&str> = after(&run, "GET /products/all -> ")
        .into_iter()
        .map(|rest| rest.split(" in ").next().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "200 OK",
            "200 OK",
            "200 OK",
            "200 OK",
            "200 OK",
            "504 Gateway Timeout",
            "500 Internal Server Error",
            "500 Internal Server Error",
        ],
        "{}",
        run.stdout
    );
    let section = |title: &str| {
        let start = run.position(title);
        run.lines()[start..]
            .iter()
            .skip(1)
            .take_while(|line| !line.starts_with("---"))
            .copied()
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        section("--- inventory service slow ---")
            .contains("  inventory 10 call(s), 0 answered, 10 cancelled, 0 still running")
    );
    assert!(section("--- favorites service fail ---").contains(r#""favorite_items":null"#));
    let cart_slow = section("--- cart service slow ---");
    assert!(cart_slow.contains(r#""cart_items":null"#));
    assert!(cart_slow.contains("  cart      1 call(s), 0 answered, 1 cancelled, 0 still running"));
    assert!(section("--- cart service down ---").contains("  cart      0 call(s)"));
    assert!(
        section("--- products service down ---")
            .contains(r#"{"error":"Server error reaching products service."}"#)
    );
    // After every page, no call left running at any service.
    let running: Vec<&str> = run
        .lines()
        .into_iter()
        .filter(|l| l.ends_with("still running") && !l.ends_with(", 0 still running"))
        .collect();
    assert!(running.is_empty(), "{running:?}");
}

#[test]
fn listing_10_12a_retries_times_out_and_sheds_load() {
    let run = run_ok(BIN, &["10.12a"]);
    let fail = run.position("inventory fail:");
    let slow = run.position("inventory slow:");
    let lines = run.lines();
    assert_eq!(
        lines[fail..slow]
            .iter()
            .filter(|l| l.contains("try failed"))
            .count(),
        3,
        "{}",
        run.stdout
    );
    assert!(
        lines[slow..]
            .iter()
            .any(|l| l.contains("error: request timed out"))
    );
    assert!(
        run.stdout
            .contains("the service saw 3 call(s), 3 answered, 0 cancelled")
    );
    assert!(
        run.stdout
            .contains("the service saw 3 call(s), 0 answered, 3 cancelled, 0 still running")
    );
    assert!(
        run.stdout.contains(
            "  5 answered, 15 shed (service overloaded), 0 other error(s); the service saw 5 call(s), 5 answered"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn bad_input_is_one_line_and_a_nonzero_exit() {
    let run = run_bin(BIN, &["10.1", "--fault", "sideways"], "");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("no fault 'sideways'"), "{}", run.stderr);

    let run = run_bin(BIN, &["10.8", "--fault", "warehouse=slow"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("no service 'warehouse'"),
        "{}",
        run.stderr
    );

    let run = run_bin(BIN, &["10.1", "--fault", "down"], "");
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("cannot start down"), "{}", run.stderr);

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = run_bin(BIN, &["10.1", "--port", &port], "");
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("already in use"), "{}", run.stderr);
}
