//! The REST listings (9.1–9.5, 9.8) as servers: a child process on a free
//! port, real HTTP from the test, the real demo database, and a real
//! SIGINT for the graceful shutdown.

use std::time::Duration;

use crate::common::{
    BIN, assert_connections_close, assert_error, connections_of, database_url, get, json, post,
    sql, wait_for_query,
};
use test_harness::{
    MARKER_VAR, ServerChild, Signal, assert_nothing_left, new_marker, run_bin_with, run_temp_dir,
};

/// A server listing on the shared database, with `args`.
fn start(id: &str, url: &str, args: &[&str]) -> ServerChild {
    let mut all = vec![id, "--database-url", url];
    all.extend(args);
    ServerChild::start(BIN, &all)
}

fn stop(mut server: ServerChild) -> String {
    server.signal(Signal::SIGINT);
    assert_eq!(
        server.wait_exit(Duration::from_secs(30)),
        Some(0),
        "{}",
        server.stderr()
    );
    server.output()
}

#[test]
fn listing_9_1_answers_the_time_as_json_and_unknown_paths_404() {
    let mut server = ServerChild::start(BIN, &["9.1"]);
    let (status, body) = get(server.port, "/time");
    assert_eq!(status, 200);
    let now = json(&body);
    assert!((1..=12).contains(&now["month"].as_u64().unwrap()), "{body}");
    assert!((1..=31).contains(&now["day"].as_u64().unwrap()), "{body}");
    let time = now["time"].as_str().unwrap();
    assert_eq!(time.len(), "14:05:09.123456".len(), "{time}");
    assert_eq!(&time[2..3], ":");
    assert_error(
        &get(server.port, "/nothing"),
        404,
        "no route for GET /nothing",
    );
    server.wait_for("GET /time -> 200 OK");
    server.wait_for("GET /nothing -> 404 Not Found");
    stop(server);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_9_2_serves_every_brand_and_closes_its_pool() {
    let url = database_url();
    let mut server = start("9.2", &url, &[]);
    assert_eq!(
        connections_of(&url, server.pid()),
        6,
        "the pool of 6 is open before the first request"
    );
    let (status, body) = get(server.port, "/brands");
    assert_eq!(status, 200);
    let brands = json(&body);
    assert_eq!(brands.as_array().unwrap().len(), 100);
    assert_eq!(brands[0]["brand_id"], 1);
    assert!(brands[0]["brand_name"].is_string());
    server.wait_for("GET /brands -> 200 OK");
    let pid = server.pid();
    let output = stop(server);
    assert!(
        output.contains("Destroying database pool.\nclosed 6 pooled connection(s)"),
        "{output}"
    );
    assert_connections_close(&url, pid);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn ctrl_c_lets_the_request_in_flight_finish_then_closes_the_pool() {
    let url = database_url();
    let mut server = start("9.2", &url, &["--wait-ms", "3000"]);
    let (port, pid) = (server.port, server.pid());
    let request = std::thread::spawn(move || get(port, "/brands"));
    // The handler has run its query, so the request is in its 3 s wait
    // when SIGINT arrives.
    wait_for_query(&url, pid, "FROM brand ORDER BY brand_id");
    server.signal(Signal::SIGINT);
    let (status, body) = request.join().unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body).as_array().unwrap().len(), 100);
    assert_eq!(
        server.wait_exit(Duration::from_secs(30)),
        Some(0),
        "{}",
        server.stderr()
    );
    let output = server.output();
    let position = |needle: &str| {
        output
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} in {output}"))
    };
    assert!(position("Got SIGINT") < position("GET /brands -> 200 OK"));
    assert!(position("GET /brands -> 200 OK") < position("server stopped"));
    assert!(position("server stopped") < position("closed 6 pooled connection(s)"));
    assert_connections_close(&url, pid);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn a_demo_leaves_no_postgres_behind() {
    // Its own temp dir: the demo database's server processes rename
    // themselves (no marker left), but they run inside it.
    let marker = new_marker("ch09-demo");
    let dir = run_temp_dir(&marker);
    let run = run_bin_with(
        BIN,
        &["9.2", "--demo"],
        "",
        &[(MARKER_VAR, &marker), ("TMPDIR", dir.to_str().unwrap())],
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("client: 100 brands"), "{}", run.stdout);
    assert!(
        run.stdout.contains("closed 6 pooled connection(s)"),
        "{}",
        run.stdout
    );
    assert_nothing_left(&marker, &dir);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_9_3_answers_200_404_and_400() {
    let url = database_url();
    let server = start("9.3", &url, &[]);
    let (status, body) = get(server.port, "/products/10");
    assert_eq!(status, 200, "{body}");
    let product = json(&body);
    assert_eq!(product["product_id"], 10);
    let name = &sql(
        &url,
        "SELECT product_name FROM product WHERE product_id = 10",
    )[0];
    assert_eq!(product["product_name"], name.as_str());
    assert_error(
        &get(server.port, "/products/999999"),
        404,
        "no product with id 999999",
    );
    assert_error(
        &get(server.port, "/products/abc"),
        400,
        "must be a number, not 'abc'",
    );
    assert_error(
        &get(server.port, "/products/99999999999"),
        400,
        "must be a number",
    );
    assert_error(&get(server.port, "/products/"), 404, "no route");
    stop(server);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn listing_9_4_creates_products_and_refuses_bad_bodies() {
    let url = database_url();
    let server = start("9.4", &url, &["--body-limit", "200"]);
    let port = server.port;
    let tricky = r#"Robert'); DROP TABLE product; -- "quoted" \ $1"#;
    let body = serde_json::json!({ "product_name": tricky, "brand_id": 3 }).to_string();
    let (status, answer) = post(port, "/product", &body);
    assert_eq!(status, 201, "{answer}");
    let id = json(&answer)["product_id"].as_i64().unwrap();
    let (status, stored) = get(port, &format!("/products/{id}"));
    assert_eq!(status, 200);
    assert_eq!(json(&stored)["product_name"], tricky);
    assert_eq!(json(&stored)["brand_id"], 3);
    let in_db = sql(
        &url,
        &format!("SELECT product_name FROM product WHERE product_id = {id}"),
    );
    assert_eq!(
        in_db,
        [tricky],
        "stored verbatim, and the table is still there"
    );

    assert_error(&post(port, "/product", ""), 400, "a JSON body is required");
    // PostgreSQL's text cannot hold a NUL: the client's error, not a 500.
    assert_error(
        &post(
            port,
            "/product",
            r#"{"product_name": "a\u0000b", "brand_id": 1}"#,
        ),
        400,
        "the database refused a value: invalid byte sequence",
    );
    assert_error(&post(port, "/product", "not json"), 400, "invalid product");
    assert_error(
        &post(port, "/product", r#"{"product_name": "x"}"#),
        400,
        "missing field `brand_id`",
    );
    assert_error(
        &post(port, "/product", r#"{"brand_id": 1}"#),
        400,
        "missing field `product_name`",
    );
    assert_error(
        &post(
            port,
            "/product",
            r#"{"product_name": "x", "brand_id": "one"}"#,
        ),
        400,
        "invalid type",
    );
    assert_error(
        &post(port, "/product", r#"{"product_name": 5, "brand_id": 1}"#),
        400,
        "invalid type",
    );
    assert_error(
        &post(
            port,
            "/product",
            r#"{"product_name": "x", "brand_id": 999999}"#,
        ),
        400,
        "no brand with id 999999",
    );
    let big = serde_json::json!({ "product_name": "x".repeat(300), "brand_id": 1 }).to_string();
    assert_error(&post(port, "/product", &big), 413, "length limit exceeded");
    assert_eq!(get(port, "/product").0, 405, "only POST");
    stop(server);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn the_blocking_server_and_bare_hyper_serve_the_same_brands_as_axum() {
    let url = database_url();
    let axum = start("9.2", &url, &[]);
    let mut blocking = start("9.5", &url, &["--threads", "3"]);
    let hyper = start("9.8", &url, &[]);
    assert_eq!(
        connections_of(&url, blocking.pid()),
        3,
        "one connection per thread"
    );
    let expected = get(axum.port, "/brands");
    assert_eq!(expected.0, 200);
    for server in [&blocking, &hyper] {
        assert_eq!(get(server.port, "/brands"), expected);
        assert_error(
            &get(server.port, "/nothing"),
            404,
            "no route for GET /nothing",
        );
    }
    blocking.wait_for("GET /brands -> 200 OK");
    assert!(
        blocking
            .wait_for("GET /nothing -> 404")
            .contains("wsgi-worker-")
    );
    let pid = blocking.pid();
    let output = stop(blocking);
    assert!(
        output.contains("server stopped: 3 thread(s) ended"),
        "{output}"
    );
    assert_connections_close(&url, pid);
    let pid = hyper.pid();
    assert!(stop(hyper).contains("closed 6 pooled connection(s)"));
    assert_connections_close(&url, pid);
    stop(axum);
}
