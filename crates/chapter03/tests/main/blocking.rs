//! Listings 3.1–3.7 over real TCP: blocking, non-blocking, busy-waiting and
//! selector servers, driven by clients in this test.

use std::io::{ErrorKind, Read as _, Write as _};
use std::time::Duration;

use crate::common::{BIN, round_trip};
use test_harness::run_bin;

#[test]
fn listing_3_1_reports_the_address_of_the_client_it_accepts() {
    let mut server = crate::common::start(&["3.1"]);
    let client = server.connect();
    let local = client.local_addr().unwrap();
    server.wait_for(&format!("I got a connection from {local}!"));
    assert_eq!(server.wait_exit(crate::common::WAIT), Some(0));
}

#[test]
fn listing_3_2_reads_two_bytes_at_a_time_and_echoes_the_line() {
    let mut server = crate::common::start(&["3.2"]);
    let mut client = server.connect();
    assert_eq!(round_trip(&mut client, b"hello\r\n"), b"hello\r\n");
    assert_eq!(server.wait_exit(crate::common::WAIT), Some(0));
    let chunks: Vec<&String> = server
        .seen
        .iter()
        .filter(|l| l.starts_with("I got data: "))
        .collect();
    assert!(chunks.len() >= 4, "{:?}", server.seen);
    assert!(
        chunks
            .iter()
            .all(|l| l.len() <= r#"I got data: b"\r\n"!"#.len()),
        "{chunks:?}"
    );
    server.wait_for(r#"All the data is: b"hello\r\n""#);
}

#[test]
fn listing_3_3_serves_the_second_client_only_after_the_first_finishes() {
    let mut server = crate::common::start(&["3.3"]);
    let mut first = server.connect();
    assert_eq!(round_trip(&mut first, b"first\r\n"), b"first\r\n");

    let mut second = server.connect();
    second.write_all(b"second\r\n").unwrap();
    // The server accepted the second client and is now blocked reading the
    // first one, so no echo can come back yet.
    server.wait_for(&format!(
        "I got a connection from {}!",
        second.local_addr().unwrap()
    ));
    second
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut echo = [0u8; 8];
    // A signal delivered to this test process (another test's child
    // exiting) can interrupt the read: that says nothing, so read again.
    let early = loop {
        match second.read(&mut echo) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            other => break other,
        }
    }
    .expect_err("no echo while the first client holds the server");
    assert!(
        matches!(early.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{early}"
    );

    drop(first); // the first client finishes
    second.set_read_timeout(Some(crate::common::WAIT)).unwrap();
    second.read_exact(&mut echo).unwrap();
    assert_eq!(&echo, b"second\r\n");
    server.wait_for(r#"is: b"second\r\n""#);
    let output = server.output();
    let gone = output
        .find("disconnected")
        .expect("the first client's end is logged");
    let served = output
        .find(r#"is: b"second\r\n""#)
        .expect("the second line is logged");
    assert!(gone < served, "{output}");
}

#[test]
fn listing_3_4_shows_would_block_from_accept_and_read() {
    let run = run_bin(BIN, &["3.4"], "");
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    run.position("accept() with nobody connecting: Resource temporarily unavailable (os error 11) (WouldBlock)");
    run.position("read() before the client sent anything: Resource temporarily unavailable");
    run.position(r#"read() after the client sent a line: b"hello\r\n""#);
}

#[test]
fn listing_3_5_crashes_on_would_block_and_reports_it() {
    let run = run_bin(BIN, &["3.5", "--port", "0"], "");
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    run.position("the server crashed: Resource temporarily unavailable (os error 11)");
    run.position("kind WouldBlock");
}

/// 3.6 and 3.7 no longer let a silent client hold up the others.
fn a_silent_client_does_not_block_another(id: &str) {
    let mut server = crate::common::start(&[id]);
    let silent = server.connect();
    server.wait_for(&format!(
        "I got a connection from {}!",
        silent.local_addr().unwrap()
    ));
    let mut talker = server.connect();
    assert_eq!(round_trip(&mut talker, b"one\r\n"), b"one\r\n");
    assert_eq!(round_trip(&mut talker, b"two\r\n"), b"two\r\n");
    drop(silent);
    server.signal(nix::sys::signal::Signal::SIGKILL);
}

#[test]
fn listing_3_6_serves_a_client_while_another_stays_silent() {
    a_silent_client_does_not_block_another("3.6");
}

#[test]
fn listing_3_7_serves_a_client_while_another_stays_silent() {
    a_silent_client_does_not_block_another("3.7");
}

#[test]
fn listing_3_7_echoes_a_megabyte_exactly() {
    let server = crate::common::start(&["3.7"]);
    let client = server.connect();
    let message: Vec<u8> = (0..1 << 20).map(|i: u32| (i * 7 % 251) as u8).collect();
    crate::common::round_trip_big(&client, &message);
}

/// The CPU seconds in `while idle for 2.0 s the server used 1.98 s of CPU time`.
fn idle_cpu_seconds(id: &str) -> f64 {
    let run = run_bin(BIN, &[id, "--demo"], "");
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let line = run.lines()[run.position("while idle for ")].to_owned();
    line.split(" the server used ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no CPU time in {line:?}"))
}

#[test]
fn listings_3_6_and_3_7_report_idle_cpu_time_and_the_selector_uses_less() {
    let busy = idle_cpu_seconds("3.6");
    let selector = idle_cpu_seconds("3.7");
    println!("idle CPU seconds: busy-waiting {busy}, selector {selector}");
    assert!(selector < busy, "3.7 used {selector} s, 3.6 used {busy} s");
}

#[test]
fn listing_3_7_says_no_events_when_idle() {
    let run = run_bin(BIN, &["3.7", "--demo"], "");
    assert_eq!(run.code, Some(0));
    assert!(
        !run.positions("No events, waiting a bit more!").is_empty(),
        "{}",
        run.stdout
    );
    run.position(r#"the client got back b"hello\r\n""#);
    // The book's line for every read.
    assert!(
        run.position(r#"I got some data: b"hello\r\n""#)
            < run.position(r#"the client got back b"hello\r\n""#)
    );
}

#[test]
fn a_port_in_use_is_one_clear_error_and_exit_1() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for id in ["3.1", "3.7", "3.8", "3.10"] {
        let run = run_bin(BIN, &[id, "--port", &port], "");
        assert_eq!(run.code, Some(1), "{id}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("port {port} on 127.0.0.1 is already in use")),
            "{id}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}
