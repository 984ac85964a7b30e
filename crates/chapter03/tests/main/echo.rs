//! The Tokio echo servers (3.8, 3.10), the signal listing (3.9) and the
//! `load` tool, over real TCP: load, bad clients, running out of file
//! descriptors, and shutdown.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::{BIN, round_trip, round_trip_big};
use nix::sys::signal::Signal;
use rand::{Rng as _, RngCore as _};
use test_harness::run_bin;

const ECHO_SERVERS: [&str; 2] = ["3.8", "3.10"];

#[test]
fn listing_3_8_echoes_for_200_concurrent_clients_byte_for_byte() {
    let server = crate::common::start(&["3.8"]);
    let address = server.address();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(200));
    let clients: Vec<_> = (0..200u32)
        .map(|n| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(address).unwrap();
                stream.set_read_timeout(Some(crate::common::WAIT)).unwrap();
                barrier.wait(); // all 200 connected at once before anyone sends
                for round in 0..5u32 {
                    let message: Vec<u8> = (0..100 + n).map(|i| (i ^ n ^ round) as u8).collect();
                    assert_eq!(round_trip(&mut stream, &message), message, "client {n}");
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("every client got every byte back");
    }
}

#[test]
fn random_payloads_up_to_a_mebibyte_round_trip_exactly() {
    let mut rng = rand::rng();
    for id in ECHO_SERVERS {
        let server = crate::common::start(&[id]);
        let client = server.connect();
        for size in [1, 2, 1023, 1024, 1025, 65_536, 300_001, 1 << 20] {
            let mut message = vec![0u8; size];
            rng.fill_bytes(&mut message);
            if message.trim_ascii_end() == b"boom" {
                continue; // 3.10 would rightly fail this one
            }
            round_trip_big(&client, &message);
        }
        let size = rng.random_range(1..=1 << 20);
        let mut message = vec![0u8; size];
        rng.fill_bytes(&mut message);
        round_trip_big(&client, &message);
    }
}

#[test]
fn non_utf8_and_zero_length_writes_are_fine() {
    for id in ECHO_SERVERS {
        let server = crate::common::start(&[id]);
        let mut client = server.connect();
        client.write_all(b"").unwrap();
        let bytes = [0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, b'\r', b'\n'];
        assert_eq!(round_trip(&mut client, &bytes), bytes);
        client.write_all(b"").unwrap();
        assert_eq!(round_trip(&mut client, b"\0"), b"\0");
    }
}

#[test]
fn abrupt_disconnects_and_resets_leave_the_server_serving() {
    for id in ECHO_SERVERS {
        let mut server = crate::common::start(&[id]);
        let mut survivor = server.connect();
        assert_eq!(round_trip(&mut survivor, b"before\r\n"), b"before\r\n");

        // Half a message, then gone without reading the echo.
        let mut quitter = server.connect();
        quitter.write_all(&[7u8; 100_000]).unwrap();
        drop(quitter);

        // A reset: SO_LINGER 0 makes close send RST instead of FIN.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let stream = tokio::net::TcpStream::connect(server.address())
                .await
                .unwrap();
            stream.try_write(b"half a mess").unwrap();
            stream.set_zero_linger().unwrap();
        });

        // Connects and never says a word.
        let _silent = server.connect();

        assert_eq!(round_trip(&mut survivor, b"after\r\n"), b"after\r\n");
        let mut newcomer = server.connect();
        assert_eq!(round_trip(&mut newcomer, b"new\r\n"), b"new\r\n");
        server.wait_for(&format!(
            "Got a connection from {}",
            newcomer.local_addr().unwrap()
        ));
        assert_eq!(server.count("accept failed"), 0, "{}", server.output());
    }
}

#[test]
fn listing_3_10_boom_fails_one_connection_while_another_keeps_echoing() {
    let mut server = crate::common::start(&["3.10"]);
    let mut steady = server.connect();
    let mut bomber = server.connect();
    assert_eq!(round_trip(&mut steady, b"one\r\n"), b"one\r\n");
    bomber.write_all(b"boom\r\n").unwrap();
    let mut rest = Vec::new();
    let _ = bomber.read_to_end(&mut rest); // closed (or reset) by the server
    assert!(rest.is_empty(), "boom must not be echoed: {rest:?}");
    server.wait_for(&format!(
        "connection {} failed: unexpected network error",
        bomber.local_addr().unwrap()
    ));
    // The book's line for every read, the boom included.
    assert_eq!(server.count("got data!"), 2, "{}", server.output());
    for n in 0..50 {
        let line = format!("line {n}\r\n");
        assert_eq!(round_trip(&mut steady, line.as_bytes()), line.as_bytes());
    }
    let mut later = server.connect();
    assert_eq!(round_trip(&mut later, b"later\r\n"), b"later\r\n");
}

#[test]
fn listing_3_10_finishes_within_the_grace_period_after_sigint_and_echoes_what_was_sent() {
    let mut server = crate::common::start(&["3.10"]);
    let mut client = server.connect();
    let local = client.local_addr().unwrap();
    server.wait_for(&format!("Got a connection from {local}"));
    let message = vec![b'x'; 200_000];
    let mut writer = client.try_clone().unwrap();
    let payload = message.clone();
    let sender = std::thread::spawn(move || writer.write_all(&payload));
    // The first byte of the echo is back: the message is mid-flight.
    let mut echo = vec![0; message.len()];
    client.read_exact(&mut echo[..1]).expect("the echo begins");
    let signalled = Instant::now();
    server.signal(Signal::SIGINT);
    client
        .read_exact(&mut echo[1..])
        .expect("the message sent before the signal is echoed");
    sender.join().unwrap().unwrap();
    assert!(echo == message);
    // The client stays connected: the server closes it after 2 s and exits 0.
    assert_eq!(
        server.wait_exit(Duration::from_secs(10)),
        Some(0),
        "{}",
        server.stderr()
    );
    let waited = signalled.elapsed();
    println!("exited {:.2} s after SIGINT", waited.as_secs_f64());
    let output = server.output();
    assert!(
        output
            .contains("Got a SIGINT: no longer accepting; 1 open connection(s) have 2 s to finish"),
        "{output}"
    );
    assert!(
        output.contains("closed 1 connection(s) still open after the grace period"),
        "{output}"
    );
    assert!(output.contains("server stopped"), "{output}");
    assert_eq!(
        client.read(&mut [0u8; 1]).unwrap_or(0),
        0,
        "the server closed the connection"
    );
}

#[test]
fn listing_3_10_on_sigterm_lets_connections_that_finish_go_quietly() {
    let mut server = crate::common::start(&["3.10"]);
    let mut client = server.connect();
    assert_eq!(round_trip(&mut client, b"hi\r\n"), b"hi\r\n");
    server.signal(Signal::SIGTERM);
    server.wait_for("Got a SIGTERM: no longer accepting");
    assert_eq!(
        round_trip(&mut client, b"still echoing\r\n"),
        b"still echoing\r\n"
    );
    drop(client);
    assert_eq!(server.wait_exit(Duration::from_secs(10)), Some(0));
    assert!(
        server
            .output()
            .contains("every connection finished within the grace period")
    );
}

#[test]
fn listing_3_9_reports_the_tasks_it_cancels_on_sigint() {
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        let mut server = crate::common::start_plain(&["3.9"], "press Ctrl-C");
        server.signal(signal);
        assert_eq!(server.wait_exit(Duration::from_secs(10)), Some(0));
        let output = server.output();
        let name = if signal == Signal::SIGINT {
            "SIGINT"
        } else {
            "SIGTERM"
        };
        assert!(output.contains(&format!("Got a {name}!")), "{output}");
        assert!(output.contains("Cancelling 3 task(s)."), "{output}");
        assert!(output.contains("3 task(s) were cancelled"), "{output}");
        assert!(!output.contains("finished sleeping"), "{output}");
    }
}

#[test]
fn listing_3_10_holds_thousands_of_simultaneous_connections() {
    let limit = chapter03::sys::raise_fd_limit(8192).unwrap();
    // The test and the server each need one descriptor per connection.
    let connections = 2000.min((limit.now.saturating_sub(200)) as usize);
    assert!(
        connections >= 500,
        "file-descriptor limit too low: {limit:?}"
    );
    let server = crate::common::start(&["3.10"]);
    let mut streams: Vec<TcpStream> = (0..connections).map(|_| server.connect()).collect();
    for (n, stream) in streams.iter_mut().enumerate() {
        let message = format!("{n}\r\n");
        assert_eq!(round_trip(stream, message.as_bytes()), message.as_bytes());
    }
    // All still open: the first ones answer again.
    for stream in streams.iter_mut().take(10) {
        assert_eq!(round_trip(stream, b"again\r\n"), b"again\r\n");
    }
}

#[test]
fn running_out_of_file_descriptors_does_not_stop_the_server() {
    // 3.6 used to log the failure on every spin of its busy loop; 3.7, with
    // edge-triggered readiness, waited for an event that never came for the
    // queued clients.
    for id in ["3.6", "3.7", "3.8", "3.10"] {
        let mut server = crate::common::start_with_fd_limit(64, &[id]);
        test_harness::assert_echo_survives_fd_exhaustion(&mut server, id);
    }
}

#[test]
fn the_load_tool_verifies_every_byte_against_3_8() {
    let server = crate::common::start(&["3.8"]);
    let addr = server.address().to_string();
    let run = run_bin(
        BIN,
        &[
            "load",
            "--addr",
            &addr,
            "--clients",
            "20",
            "--messages",
            "10",
            "--size",
            "5000",
            "--idle",
            "30",
        ],
        "",
    );
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    run.position("messages:         200 of 200 echoed and verified");
    run.position("bytes verified:   1000000");
    run.position("errors:           0");
    run.position("connections made: 20 of 20 active, 30 of 30 idle");
    run.position("round-trips/s:");
    run.position("latency:          p50 ");
}

#[test]
fn the_load_tool_counts_errors_and_rejects_bad_flags() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap().to_string();
    drop(closed);
    let run = run_bin(
        BIN,
        &["load", "--addr", &addr, "--clients", "3", "--messages", "1"],
        "",
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    run.position("errors:           3");
    run.position("3 × connect: Connection refused");
    run.position("connections made: 0 of 3 active");

    let run = run_bin(BIN, &["load", "--size", "0"], "");
    assert_eq!(run.code, Some(2));
    let run = run_bin(BIN, &["load", "--addr", "localhost"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("--addr must be IP:PORT"),
        "{}",
        run.stderr
    );
}
