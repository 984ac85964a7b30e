//! The runner as a user meets it for chapter 10: list, unknown ids, the
//! listings that refuse a paused clock, and the backend-for-frontend
//! stopped by each signal. `all` has its own module (`all.rs`).

use std::io::{Read as _, Write as _};
use std::time::Duration;

use test_harness::{
    MARKER_VAR, ServerChild, Signal, assert_lists_every_listing, assert_nothing_left, new_marker,
    run_bin, run_temp_dir,
};

const BIN: &str = env!("CARGO_BIN_EXE_chapter10");

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, 10, chapter10::CHAPTER.ids());
    assert_eq!(
        ids,
        [
            "10.1", "10.2", "10.4", "10.5", "10.6", "10.7", "10.8", "10.8a", "10.9", "10.10",
            "10.11", "10.12", "10.12a"
        ]
    );
}

#[test]
fn an_unknown_id_exits_2_and_10_3_points_to_10_2() {
    let run = run_bin(BIN, &["10.13"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("chapter 10 has no listing '10.13'"),
        "{}",
        run.stderr
    );
    let run = run_bin(BIN, &["10.3", "--virtual-time"], "");
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("10.2"), "{}", run.stderr);
}

#[test]
fn the_services_refuse_virtual_time() {
    test_harness::assert_refuse_virtual_time(BIN, &["10.1", "10.8", "10.12a"]);
}

/// Starts 10.8 as a user does (services, BFF, demo database), asks for
/// the page over plain HTTP/1.0, sends `signal`, and checks the run ends
/// and leaves nothing: no service, no PostgreSQL, no temp files.
fn serve_then(signal: Signal) {
    let marker = new_marker(&format!("ch10-{signal}"));
    let dir = run_temp_dir(&marker);
    let mut command = std::process::Command::new(BIN);
    command
        .args(["10.8", "--port", "0"])
        .env(MARKER_VAR, &marker)
        .env("TMPDIR", &dir);
    let mut server = ServerChild::spawn(command, None);
    let mut stream = server.connect();
    stream
        .write_all(b"GET /products/all HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.0 200 OK"), "{answer}");
    assert!(answer.contains(r#""favorite_items":3"#), "{answer}");
    server.signal(signal);
    let code = server.wait_exit(Duration::from_secs(30));
    if signal != Signal::SIGKILL {
        assert_eq!(code, Some(0), "{}", server.stderr());
        let said = format!("Got a {}: stopping", signal.as_str());
        assert!(server.output().contains(&said), "{}", server.output());
    }
    assert_nothing_left(&marker, &dir);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn ctrl_c_stops_the_bff_and_its_services_and_leaves_nothing() {
    serve_then(Signal::SIGINT);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn sigterm_stops_the_bff_like_ctrl_c() {
    // `timeout` and `kill` send SIGTERM; it used to be swallowed.
    serve_then(Signal::SIGTERM);
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn sigkill_leaves_no_service_and_no_database() {
    serve_then(Signal::SIGKILL);
}
