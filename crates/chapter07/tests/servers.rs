//! 7.1 and 7.2 as a user meets them: the server in a child process on a
//! free port, real TCP clients, real signals. Every wait is bounded.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;

use nix::sys::signal::Signal;
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
    assert_eq!(out.matches("already gone, skipped").count(), 1, "{out}");
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
