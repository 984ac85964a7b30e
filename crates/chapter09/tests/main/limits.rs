//! What a client may cost the chapter's servers, and how they stop: a huge
//! body, idle and half-sent connections, requests already sent when
//! Ctrl-C comes, and a second Ctrl-C. Real sockets, real signals; each
//! claim is a status, a count or an exit, with a bound far above what the
//! server needs.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use test_harness::{ServerChild, Signal};

use crate::common::{BIN, database_url};

/// Sends `request` as raw bytes and reads what comes back until the
/// server closes (at most 30 s).
fn exchange(stream: &mut TcpStream, request: &[u8]) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// Threads of process `pid` now.
fn threads_of(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|tasks| tasks.count())
        .unwrap_or(0)
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn the_blocking_server_refuses_a_huge_body_with_413_without_reading_it() {
    let url = database_url();
    let mut server = ServerChild::start(BIN, &["9.5", "--database-url", &url]);
    let mut stream = server.connect();
    // A gigabyte announced, none of it sent: the answer comes at once.
    let answer = exchange(
        &mut stream,
        b"POST /brands HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(server.resident_bytes() < 200 << 20);
    let chunked = exchange(
        &mut server.connect(),
        b"POST /brands HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    assert!(chunked.starts_with("HTTP/1.1 411"), "{chunked}");
    server.signal(Signal::SIGINT);
    assert_eq!(server.wait_exit(Duration::from_secs(30)), Some(0));
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn the_blocking_server_keeps_its_threads_however_many_clients_sit_idle() {
    let url = database_url();
    let mut server = ServerChild::start(BIN, &["9.5", "--threads", "4", "--database-url", &url]);
    let before = threads_of(server.pid());
    let idle = test_harness::connect_many(server.address(), 200);
    // Whatever the server would start for them, it starts at once.
    std::thread::sleep(Duration::from_millis(500));
    let during = threads_of(server.pid());
    assert!(during <= before, "{before} threads became {during}");
    drop(idle);
    server.signal(Signal::SIGINT);
    assert_eq!(server.wait_exit(Duration::from_secs(30)), Some(0));
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn ctrl_c_answers_every_request_the_blocking_server_had_already_been_sent() {
    // Two threads and 300 ms a request against 20 clients: most requests
    // are still waiting for a thread when SIGINT comes.
    let url = database_url();
    let mut server = ServerChild::start(
        BIN,
        &[
            "9.5",
            "--threads",
            "2",
            "--wait-ms",
            "300",
            "--quiet",
            "--database-url",
            &url,
        ],
    );
    let mut clients: Vec<TcpStream> = (0..20).map(|_| server.connect()).collect();
    for client in &mut clients {
        client
            .write_all(b"GET /brands HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
    }
    server.signal(Signal::SIGINT);
    let answered = clients
        .iter_mut()
        .map(|client| exchange(client, b""))
        .filter(|answer| answer.starts_with("HTTP/1.1 200"))
        .count();
    assert_eq!(answered, 20);
    assert_eq!(server.wait_exit(Duration::from_secs(30)), Some(0));
}

#[test]
fn an_idle_client_is_closed_and_a_half_sent_request_does_not_hold_the_shutdown() {
    let mut server = ServerChild::start(BIN, &["9.1"]);
    // Silent: closed after the 10 s header timeout.
    let mut silent = server.connect();
    let opened = Instant::now();
    let answer = exchange(&mut silent, b"");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    assert!(opened.elapsed() < Duration::from_secs(25));
    // Half a header, then Ctrl-C: the server stops at once, not after 10 s.
    let mut half = server.connect();
    half.write_all(b"GET /time HTTP/1.1\r\nHo").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    server.signal(Signal::SIGINT);
    assert_eq!(
        server.wait_exit(Duration::from_secs(5)),
        Some(0),
        "{}",
        server.output()
    );
}

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn a_second_ctrl_c_quits_without_waiting_for_the_requests_in_flight() {
    let url = database_url();
    let mut server =
        ServerChild::start(BIN, &["9.2", "--wait-ms", "60000", "--database-url", &url]);
    let mut slow = server.connect();
    slow.write_all(b"GET /brands HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    // Answered after the slow request was read: that one is in its
    // handler now (one thread serves both, in the order they came).
    let (status, _) = crate::common::get(server.port, "/nothing");
    assert_eq!(status, 404);
    server.signal(Signal::SIGINT);
    server.wait_for("Got SIGINT: no new connections");
    server.signal(Signal::SIGINT);
    assert_eq!(
        server.wait_exit(Duration::from_secs(10)),
        Some(0),
        "{}",
        server.output()
    );
    let output = server.output();
    assert!(
        output.contains("Got another SIGINT: quitting without waiting"),
        "{output}"
    );
    assert!(output.contains("closed 6 pooled connection(s)"), "{output}");
}
