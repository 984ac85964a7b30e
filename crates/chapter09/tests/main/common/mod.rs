//! What the chapter's integration tests share: the binary, one demo
//! database per test binary loaded with the book's products, and a
//! blocking HTTP client. Without PostgreSQL the database tests are
//! reported ignored, except under CI, where they fail.
#![allow(dead_code)]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use shared_util::demo::database::DemoDatabase;
use shared_util::demo::products::{self, Stage};

pub const BIN: &str = env!("CARGO_BIN_EXE_chapter09");

/// The URL of a database loaded with the book's products, shared by the
/// tests of this binary. The server is never dropped: when the test
/// process ends, its supervisor stops it and deletes its directory.
pub fn database_url() -> String {
    static DATABASE: OnceLock<DemoDatabase> = OnceLock::new();
    let database = DATABASE.get_or_init(|| {
        test_harness::require(test_harness::Tool::Postgres);
        let database = DemoDatabase::start().expect("the demo database starts");
        products::prepare_blocking(database.url(), Stage::Products, products::DEFAULT_SEED)
            .expect("the products load");
        database
    });
    database.url().as_str().to_owned()
}

/// Runs `query` on `url` and returns the first column of every row.
pub fn sql(url: &str, query: &str) -> Vec<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(async {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
            tokio::spawn(connection);
            client.simple_query(query).await
        })
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .into_iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        })
        .collect()
}

/// How many connections the server process `pid` has open to `url`
/// (and, with a `filter`, match it as well).
fn count_of(url: &str, pid: u32, filter: &str) -> usize {
    let query = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rust-concurrency-chapter09-{pid}'{filter}"
    );
    sql(url, &query)[0].parse().unwrap()
}

/// How many connections the server process `pid` has open to `url`.
pub fn connections_of(url: &str, pid: u32) -> usize {
    count_of(url, pid, "")
}

/// Waits (up to 30 s) until a connection of `pid` has sent `url` a query
/// that contains `text`: a handler of the server has reached the database.
pub fn wait_for_query(url: &str, pid: u32, text: &str) {
    let filter = format!(" AND query LIKE '%{}%'", text.replace('\'', "''"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while count_of(url, pid, &filter) == 0 {
        assert!(
            Instant::now() < deadline,
            "no query with {text:?} from the server within 30 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits (up to 10 s) until `pid` has no connection to `url` left.
pub fn assert_connections_close(url: &str, pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while connections_of(url, pid) > 0 {
        assert!(
            Instant::now() < deadline,
            "the server's connections stayed open"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// GET `path` on the server at `port`: the status and the body.
pub fn get(port: u16, path: &str) -> (u16, String) {
    let mut response = agent()
        .get(&format!("http://127.0.0.1:{port}{path}"))
        .call()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}

/// POST `body` to `path` on the server at `port`.
pub fn post(port: u16, path: &str, body: &str) -> (u16, String) {
    let mut response = agent()
        .post(&format!("http://127.0.0.1:{port}{path}"))
        .header("content-type", "application/json")
        .send(body)
        .unwrap_or_else(|e| panic!("POST {path}: {e}"));
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}

/// The body as JSON.
pub fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// Asserts an error answer: JSON `{"error": "..."}` containing `says`.
pub fn assert_error(answer: &(u16, String), status: u16, says: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    let message = json(&answer.1)["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains(says), "{message:?} should say {says:?}");
    assert!(!answer.1.contains("panicked") && !answer.1.contains("backtrace"));
}
