//! 7.1 and 7.2 as a user meets them: the server in a child process on a
//! free port, real TCP clients, real signals. Every wait is bounded.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;

use nix::sys::signal::Signal;
use std::time::{Duration, Instant};

use test_harness::{SERVER_WAIT, ServerChild as Server, run_bin};

const BIN: &str = env!("CARGO_BIN_EXE_chapter07");

fn echo(stream: &mut TcpStream, message: &[u8]) {
    stream.write_all(message).unwrap();
    let mut back = vec![0; message.len()];
    stream.read_exact(&mut back).unwrap();
    assert_eq!(back, message);
}

#[test]
fn listing_7_1_echoes_for_clients_at_the_same_time() {
    let server = Server::start(BIN, &["7.1"]);
    let mut a = server.connect();
    let mut b = server.connect();
    // B is served while A is still connected: one thread each.
    echo(&mut b, b"from b\r\n");
    echo(&mut a, b"from a\r\n");
    echo(&mut b, b"b again\r\n");
}

#[test]
fn listing_7_2_says_goodbye_to_every_client_on_sigint_and_exits_0() {
    let mut server = Server::start(BIN, &["7.2"]);
    let mut clients: Vec<TcpStream> = (0..3).map(|_| server.connect()).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        echo(client, format!("hello {i}\r\n").as_bytes());
    }
    let mut leaver = server.connect();
    echo(&mut leaver, b"bye\r\n");
    drop(leaver);
    server.wait_for("connection closed, thread ending");

    server.signal(Signal::SIGINT);
    for client in &mut clients {
        let mut rest = String::new();
        client.read_to_string(&mut rest).unwrap(); // ends at EOF
        assert_eq!(rest, "Shutting down!");
    }
    assert_eq!(
        server.wait_exit(SERVER_WAIT),
        Some(0),
        "{}",
        server.seen.join("\n")
    );
    let out = server.seen.join("\n");
    assert_eq!(
        out.matches("sent Shutting down! and shut the socket")
            .count(),
        3,
        "{out}"
    );
    // The client that left was forgotten when it left: nothing to skip.
    assert_eq!(out.matches("already gone").count(), 0, "{out}");
    assert!(out.ends_with("every thread joined; bye"), "{out}");
}

#[test]
fn listing_7_2_stops_on_sigterm_with_no_clients() {
    let mut server = Server::start(BIN, &["7.2"]);
    server.signal(Signal::SIGTERM);
    assert_eq!(server.wait_exit(SERVER_WAIT), Some(0));
    assert!(
        server
            .seen
            .iter()
            .any(|l| l == "Got SIGTERM: shutting down")
    );
}

#[test]
fn demo_mode_runs_both_servers_to_the_end() {
    for id in ["7.1", "7.2"] {
        let run = run_bin(BIN, &[id, "--demo"], "");
        assert_eq!(run.code, Some(0), "{id}: {}\n{}", run.stdout, run.stderr);
    }
    let run = run_bin(BIN, &["7.2", "--demo"], "");
    assert!(
        run.stdout
            .contains("client A got \"Shutting down!\", then end of file"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_taken_port_is_a_one_line_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = run_bin(BIN, &["7.1", "--port", &port], "");
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("already in use"), "{}", run.stderr);
}

#[test]
fn listing_7_2_forgets_every_client_that_leaves() {
    // 64 descriptors: before the fix, each departed client kept one (its
    // socket, in CLOSE-WAIT) and the server died of EMFILE by client ~55.
    let mut server = Server::start_with_fd_limit(BIN, 64, &["7.2"]);
    let baseline = server.open_fds();
    for n in 0..300 {
        let mut client = server.connect();
        echo(&mut client, format!("client {n}\r\n").as_bytes());
        if n % 2 == 0 {
            // Only the sending side shut: the server's end of file must
            // close the connection, which the client then sees.
            client.shutdown(std::net::Shutdown::Write).unwrap();
            client
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut rest = Vec::new();
            client
                .read_to_end(&mut rest)
                .unwrap_or_else(|e| panic!("client {n} never saw end of file: {e}"));
            assert!(rest.is_empty(), "{rest:?}");
        }
    }
    // Back to where it started, give or take a closing socket or two.
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.open_fds() > baseline + 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        server.open_fds() <= baseline + 2,
        "{} descriptors open after 300 clients left, {baseline} before",
        server.open_fds()
    );
    server.signal(Signal::SIGTERM);
    assert_eq!(
        server.wait_exit(SERVER_WAIT),
        Some(0),
        "{}",
        server.stderr()
    );
}

#[test]
fn the_thread_servers_ride_out_running_out_of_file_descriptors() {
    for id in ["7.1", "7.2"] {
        let mut server = Server::start_with_fd_limit(BIN, 64, &[id]);
        test_harness::assert_echo_survives_fd_exhaustion(&mut server, id);
    }
    // 7.2 out of descriptors still stops on a signal.
    let mut server = Server::start_with_fd_limit(BIN, 64, &["7.2"]);
    let _held = test_harness::connect_many(server.address(), 90);
    server.wait_for("accept failed: Too many open files");
    server.signal(Signal::SIGINT);
    assert_eq!(
        server.wait_exit(SERVER_WAIT),
        Some(0),
        "{}",
        server.stderr()
    );
}

#[test]
fn silent_and_partial_clients_hold_up_nobody_and_ctrl_c_still_stops_the_servers() {
    for id in ["7.1", "7.2"] {
        let mut server = Server::start(BIN, &[id]);
        let _silent = server.connect();
        let mut partial = server.connect();
        partial.write_all(b"half a li").unwrap();
        let mut other = server.connect();
        echo(&mut other, b"served\r\n");
        let signalled = Instant::now();
        server.signal(Signal::SIGINT);
        let code = server.wait_exit(Duration::from_secs(10));
        // 7.1 has no handler (the default action ends it); 7.2 exits 0.
        if id == "7.2" {
            assert_eq!(code, Some(0), "{}", server.stderr());
        }
        assert!(signalled.elapsed() < Duration::from_secs(5), "{id}");
    }
}

#[test]
fn ctrl_c_after_7_2_inside_all_still_stops_the_run() {
    // 7.2 installs handlers for SIGINT and SIGTERM; before the fix they
    // outlived it and the rest of `all` ignored both.
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        let mut command = std::process::Command::new(BIN);
        command.arg("all");
        let mut run = Server::spawn(command, Some("=== Listing 7.3"));
        run.signal(signal);
        let code = run.wait_exit(Duration::from_secs(10));
        assert_eq!(code, None, "ended by {signal}, as its default action does");
    }
}
