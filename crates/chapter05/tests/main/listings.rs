//! Every chapter-5 listing, run as a user runs it, against a real
//! PostgreSQL: one demo database started once for this test binary, and
//! in it a database of its own for each test (empty, or a copy of one
//! loaded with the book's products), passed with `--database-url`, so
//! tests run in parallel without seeing each other's rows. Claims are
//! checked by rows and counts, never by time. Without PostgreSQL the tests
//! that need it are reported ignored, except under CI, where they fail.

use std::sync::{Mutex, OnceLock};

use shared_util::demo::database::{DatabaseUrl, DemoDatabase};
use shared_util::demo::products::{self, Stage};
use test_harness::{Run, run_bin, run_ok};

const BIN: &str = env!("CARGO_BIN_EXE_chapter05");

/// The server every test of this binary shares, with the loaded template.
struct Server {
    database: DemoDatabase,
    /// One CREATE DATABASE at a time.
    creating: Mutex<()>,
}

/// The shared server, started on first use. It is never dropped: when
/// this test process ends, its supervisor stops it and deletes its
/// directory.
fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        test_harness::require(test_harness::Tool::Postgres);
        let database = DemoDatabase::start().expect("the demo database starts");
        sql(database.url().as_str(), "CREATE DATABASE loaded");
        products::prepare_blocking(
            &url_in(&database, "loaded"),
            Stage::Products,
            products::DEFAULT_SEED,
        )
        .expect("the products load");
        Server {
            database,
            creating: Mutex::new(()),
        }
    })
}

fn url_in(database: &DemoDatabase, name: &str) -> DatabaseUrl {
    let url = database.url().as_str();
    let base = url.rsplit_once('/').expect("a URL with a database").0;
    DatabaseUrl::parse(&format!("{base}/{name}")).unwrap()
}

/// Runs `statements` on the database at `url`.
fn sql(url: &str, statements: &str) -> Vec<tokio_postgres::SimpleQueryMessage> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(async {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
            tokio::spawn(connection);
            client.simple_query(statements).await
        })
        .unwrap_or_else(|e| panic!("{statements}: {e}"))
}

/// The first value of the first row `query` returns.
fn value(url: &str, query: &str) -> String {
    sql(url, query)
        .into_iter()
        .find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        })
        .unwrap_or_default()
}

/// A database of this test's own: empty, or a copy of the loaded one.
fn database(name: &str, loaded: bool) -> String {
    let server = server();
    let _one_at_a_time = server.creating.lock().unwrap();
    let template = if loaded { "loaded" } else { "template0" };
    sql(
        server.database.url().as_str(),
        &format!("CREATE DATABASE {name} TEMPLATE {template}"),
    );
    url_in(&server.database, name).as_str().to_owned()
}

fn run(url: &str, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend(["--database-url", url]);
    run_ok(BIN, &all)
}

/// The product ids of the `Product { product_id: N, .. }` lines.
fn product_ids(run: &Run) -> Vec<i32> {
    run.lines()
        .iter()
        .filter_map(|l| l.strip_prefix("Product { product_id: "))
        .map(|rest| rest.split(',').next().unwrap().parse().unwrap())
        .collect()
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_1_connects_and_prints_the_version() {
    let url = database("t_5_1", false);
    let run = run(&url, &["5.1"]);
    assert!(
        run.stdout.starts_with("Connected! Postgres version is 1"),
        "{}",
        run.stdout
    );
}

#[test]
fn listing_5_2_prints_every_statement() {
    let run = run_ok(BIN, &["5.2"]);
    for name in [
        "CREATE_BRAND_TABLE:",
        "CREATE_SKU_TABLE:",
        "CREATE_SKU_PRODUCT_INDEX:",
        "COLOR_INSERT:",
        "SIZE_INSERT:",
    ] {
        assert!(run.stdout.contains(name), "{name} in {}", run.stdout);
    }
    assert_eq!(run.stdout.matches("CREATE TABLE IF NOT EXISTS").count(), 5);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_3_creates_the_schema_and_runs_again() {
    let url = database("t_5_3", false);
    let first = run(&url, &["5.3"]);
    assert_eq!(
        first.lines(),
        [
            "Creating the product database...",
            "CREATE TABLE",
            "CREATE TABLE",
            "CREATE TABLE",
            "CREATE TABLE",
            "CREATE TABLE",
            "CREATE INDEX",
            "INSERT 0 1",
            "INSERT 0 1",
            "Finished creating the product database!",
        ]
    );
    let again = run(&url, &["5.3"]);
    assert_eq!(again.lines()[7..9], ["INSERT 0 0", "INSERT 0 0"]);
    assert_eq!(value(&url, "SELECT count(*) FROM product_size"), "3");
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_4_builds_the_schema_it_needs_and_prints_two_brands() {
    let url = database("t_5_4", false);
    let run = run(&url, &["5.4"]);
    assert_eq!(run.lines(), ["id: 1, name: Levis", "id: 2, name: Seven"]);
    assert!(
        run.stderr.contains("built the schema (5.3)"),
        "{}",
        run.stderr
    );
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_5_inserts_100_brands_repeatably() {
    let (first, second) = (database("t_5_5a", false), database("t_5_5b", false));
    let a = run(&first, &["5.5", "--seed", "7"]);
    let b = run(&second, &["5.5", "--seed", "7"]);
    assert!(
        a.stdout.starts_with("Inserted 100 brands: "),
        "{}",
        a.stdout
    );
    assert_eq!(a.stdout, b.stdout, "the same seed, the same brands");
    assert_eq!(
        value(&first, "SELECT count(DISTINCT brand_name) FROM brand"),
        "100"
    );
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_6_inserts_1000_products_and_100000_skus() {
    let url = database("t_5_6", false);
    let run = run(&url, &["5.6"]);
    assert!(
        run.stdout
            .starts_with("Inserted 1000 products and 100000 SKUs in "),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("100 brands (5.5)"), "{}", run.stderr);
    assert_eq!(value(&url, "SELECT count(*) FROM sku"), "100000");
    assert_eq!(value(&url, "SELECT max(product_id) FROM sku"), "1000");
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_7_runs_two_queries_on_two_connections() {
    let url = database("t_5_7", true);
    let run = run(&url, &["5.7"]);
    let lines = run.lines();
    assert_eq!(lines[0], "a pool of 6 connection(s)");
    let process = |line: &str| line.split_whitespace().nth(2).unwrap().to_owned();
    assert_ne!(process(lines[1]), process(lines[2]), "{}", run.stdout);
    let skus = value(&url, "SELECT count(*) FROM sku WHERE product_id = 100");
    for line in &lines[1..3] {
        assert!(
            line.ends_with(&format!(": {skus} row(s) for product 100")),
            "{line}"
        );
    }
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_8_runs_the_queries_both_ways() {
    let url = database("t_5_8", true);
    let run = run(&url, &["5.8", "--queries", "300", "--pool", "3"]);
    let skus: usize = value(&url, "SELECT count(*) FROM sku WHERE product_id = 100")
        .parse()
        .unwrap();
    let rows = format!("{} rows", 300 * skus);
    let order = [
        "300 queries, a pool of 3 connection(s)",
        "starting query_products_synchronously with args (pool, 300)",
        &format!("one after the other: {rows}"),
        "starting query_products_concurrently with args (pool, 300)",
        &format!("gathered: {rows}"),
        "gathered over the pool: ",
    ];
    let positions: Vec<usize> = order.iter().map(|l| run.position(l)).collect();
    assert!(positions.is_sorted(), "{}", run.stdout);

    let half = run_ok(
        BIN,
        &[
            "5.8",
            "--queries",
            "20",
            "--only",
            "concurrent",
            "--database-url",
            &url,
        ],
    );
    assert!(
        !half.stdout.contains("one after the other"),
        "{}",
        half.stdout
    );
    assert!(!half.stdout.contains("as fast as"), "{}", half.stdout);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_9_commits_both_rows() {
    let url = database("t_5_9", false);
    let run = run(&url, &["5.9"]);
    assert_eq!(run.lines(), [r#"["brand_1", "brand_2"]"#]);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_10_rolls_back_and_leaves_nothing() {
    let url = database("t_5_10", false);
    let run = run(&url, &["5.10"]);
    assert_eq!(
        run.lines(),
        [
            r#"Error while running transaction: duplicate key value violates unique constraint "brand_pkey""#,
            "DETAIL: Key (brand_id)=(9999) already exists.",
            "Query result was: []",
        ]
    );
    assert_eq!(value(&url, "SELECT count(*) FROM brand"), "0");
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_11_keeps_the_outer_row_after_the_savepoint_fails() {
    let url = database("t_5_11", false);
    let run = run(&url, &["5.11"]);
    assert_eq!(
        run.lines(),
        [
            r#"WARNING: Ignoring error inserting product color: duplicate key value violates unique constraint "product_color_pkey""#,
            "my_new_brand rows: 1; product colour 1 is still Blue",
        ]
    );
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_12_commits_by_hand() {
    let url = database("t_5_12", false);
    let run = run(&url, &["5.12"]);
    assert_eq!(
        run.lines(),
        [
            "No errors, committing transaction!",
            r#"["brand_1", "brand_2"]"#
        ]
    );
}

#[test]
fn generator_listings_match_their_snapshots() {
    for id in ["5.13", "5.14"] {
        let run = run_ok(BIN, &[id, "--virtual-time"]);
        insta::assert_snapshot!(format!("listing_{}", id.replace('.', "_")), run.stdout);
    }
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_15_streams_every_product() {
    let url = database("t_5_15", true);
    let run = run(&url, &["5.15"]);
    let ids = product_ids(&run);
    assert_eq!(ids.len(), 1000);
    assert_eq!(ids, (1..=1000).collect::<Vec<_>>());
    assert_eq!(
        run.lines().last().unwrap(),
        &"streamed 1000 products through the cursor"
    );
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_16_skips_500_and_fetches_the_next_100() {
    let url = database("t_5_16", true);
    let run = run(&url, &["5.16"]);
    assert_eq!(run.lines()[0], "moved forward 500 rows");
    assert_eq!(product_ids(&run), (501..=600).collect::<Vec<_>>());
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_5_17_takes_five_and_closes_the_cursor() {
    let url = database("t_5_17", true);
    let run = run(&url, &["5.17"]);
    assert_eq!(product_ids(&run), [1, 2, 3, 4, 5]);
    assert_eq!(
        run.lines()[5..],
        [
            "open cursors while reading: 1",
            "Got the first five products!",
            "open cursors after: 0",
            "StreamExt::take(5) gave 5 products too",
            "open cursors after: 0",
        ]
    );
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn connection_errors_are_one_line_without_the_password() {
    let server = server();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let unreachable = format!("postgres://ann:hunter2@127.0.0.1:{port}/products");
    let missing = url_in(&server.database, "no_such_database");
    let nobody = missing
        .as_str()
        .replace("postgres://postgres@", "postgres://nobody_here:hunter2@")
        .replace("/no_such_database", "/postgres");
    let cases = [
        (
            unreachable.as_str(),
            "cannot reach the PostgreSQL server at postgres://ann:***@",
        ),
        (
            missing.as_str(),
            "database \"no_such_database\" does not exist at postgres://",
        ),
        (nobody.as_str(), "postgres://nobody_here:***@127.0.0.1:"),
    ];
    for (url, expected) in cases {
        let run = run_bin(BIN, &["5.1", "--database-url", url], "");
        assert_eq!(run.code, Some(1), "{url}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{url}: {}", run.stderr);
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
        assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
    }
    let bad = run_bin(BIN, &["5.1", "--database-url", "mysql://x/y"], "");
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    assert!(
        bad.stderr
            .contains("postgres://USER:PASSWORD@HOST:PORT/DATABASE")
    );
}

/// A server that takes connections and never says a word: each one is
/// held open until the test ends.
fn silent_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}

#[test]
fn a_server_that_never_answers_or_is_not_there_is_one_line_with_its_cause() {
    let silent = silent_server();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let refused = free.local_addr().unwrap().port();
    drop(free);
    let cases = [
        (
            format!("postgres://me:hunter2@127.0.0.1:{silent}/products"),
            "did not answer as PostgreSQL within 5 s",
        ),
        (
            format!("postgres://127.0.0.1:{refused}/products?user=me&password=hunter2"),
            "Connection refused",
        ),
    ];
    for (url, expected) in &cases {
        for id in ["5.1", "5.8"] {
            let run = run_bin(BIN, &[id, "--database-url", url], "");
            assert_eq!(run.code, Some(1), "{id} {url}: {}", run.stderr);
            assert!(run.stderr.contains(expected), "{id}: {}", run.stderr);
            assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
            assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
            // Nothing claims to have finished before the failure.
            assert!(!run.stdout.contains("finished"), "{id}: {}", run.stdout);
        }
    }
}
