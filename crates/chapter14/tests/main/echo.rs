//! The echo server on our own event loop (14.13), driven over real TCP
//! with the same clients as chapter 3's servers: chapter 3's `load` tool
//! (run as a process: a chapter never links another), partial reads,
//! mebibyte messages, resets, running out of file descriptors, and no
//! descriptor left open once the clients are gone. Also 14.10's one
//! callback-driven accept.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use test_harness::{Run, SERVER_WAIT, ServerChild, echo_round_trip, run_bin};

const BIN: &str = env!("CARGO_BIN_EXE_chapter14");

fn start() -> ServerChild {
    ServerChild::start(BIN, &["14.13"])
}

/// Chapter 3's binary, built beside ours (`cargo test --workspace` builds
/// it; `cargo test -p chapter14` alone builds it here, once).
fn chapter03() -> PathBuf {
    let path =
        PathBuf::from(BIN).with_file_name(format!("chapter03{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml");
        let status = Command::new(env!("CARGO"))
            .args(["build", "-p", "chapter03", "--manifest-path", manifest])
            .status()
            .expect("run cargo");
        assert!(status.success(), "could not build chapter03's load tool");
    }
    path
}

fn load(server: &ServerChild, args: &[&str]) -> Run {
    let addr = server.address().to_string();
    let mut all = vec!["load", "--addr", &addr];
    all.extend_from_slice(args);
    run_bin(chapter03(), &all, "")
}

/// Sends and reads at the same time (a big echo cannot wait for the whole
/// send), then checks every byte.
fn round_trip_big(stream: &TcpStream, message: &[u8]) {
    let mut writer = stream.try_clone().unwrap();
    let payload = message.to_vec();
    let sender = std::thread::spawn(move || writer.write_all(&payload));
    let mut echo = vec![0; message.len()];
    (&*stream)
        .read_exact(&mut echo)
        .expect("read the whole echo");
    sender.join().unwrap().expect("send the whole message");
    assert!(echo == message, "echo of {} bytes differs", message.len());
}

/// Waits (bounded) until the server holds `fds` descriptors again.
fn wait_for_fds(server: &ServerChild, fds: usize) {
    let deadline = Instant::now() + SERVER_WAIT;
    while server.open_fds() != fds {
        assert!(
            Instant::now() < deadline,
            "{} fds open, expected {fds}",
            server.open_fds()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn chapter_3s_load_tool_verifies_every_byte_with_10000_idle_connections_held() {
    let server = start();
    let before = server.open_fds();
    let run = load(
        &server,
        &[
            "--clients",
            "100",
            "--messages",
            "1000",
            "--size",
            "1024",
            "--idle",
            "10000",
        ],
    );
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    run.position(
        "connections made: 100 of 100 active, 10000 of 10000 idle (still echoing at the end)",
    );
    run.position("messages:         100000 of 100000 echoed and verified (1024 bytes each)");
    run.position("bytes verified:   102400000");
    run.position("errors:           0");
    // Every connection closed by the clients is closed by the server too.
    wait_for_fds(&server, before);
}

#[test]
fn two_hundred_clients_at_once_each_get_their_own_bytes_back() {
    let server = start();
    let address = server.address();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(200));
    let clients: Vec<_> = (0..200u32)
        .map(|n| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(address).unwrap();
                stream.set_read_timeout(Some(SERVER_WAIT)).unwrap();
                barrier.wait();
                for round in 0..5u32 {
                    let message: Vec<u8> = (0..100 + n).map(|i| (i ^ n ^ round) as u8).collect();
                    assert_eq!(
                        echo_round_trip(&mut stream, &message),
                        message,
                        "client {n}"
                    );
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("every client got every byte back");
    }
}

#[test]
fn partial_writes_and_messages_up_to_a_mebibyte_round_trip_exactly() {
    let server = start();
    let mut client = server.connect();
    // A message trickled in pieces comes back whole, in order.
    let message: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    for piece in message.chunks(777) {
        client.write_all(piece).unwrap();
        client.flush().unwrap();
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut echo = vec![0; message.len()];
    client.read_exact(&mut echo).unwrap();
    assert!(echo == message);
    client.write_all(b"").unwrap();
    for size in [1, 1023, 1024, 1025, 65_536, 300_001, 1 << 20] {
        let message: Vec<u8> = (0..size).map(|i| (i * 7 % 256) as u8).collect();
        round_trip_big(&client, &message);
    }
}

#[test]
fn resets_and_vanishing_clients_leave_the_server_serving_and_no_descriptor_open() {
    let mut server = start();
    let mut survivor = server.connect();
    assert_eq!(echo_round_trip(&mut survivor, b"before\r\n"), b"before\r\n");
    let before = server.open_fds();

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
    // Connects and never says a word, then leaves.
    drop(server.connect());

    assert_eq!(echo_round_trip(&mut survivor, b"after\r\n"), b"after\r\n");
    let mut newcomer = server.connect();
    assert_eq!(echo_round_trip(&mut newcomer, b"new\r\n"), b"new\r\n");
    server.wait_for(&format!(
        "Got a connection from {}",
        newcomer.local_addr().unwrap()
    ));
    drop(newcomer);
    wait_for_fds(&server, before);
    assert_eq!(server.count("accept failed"), 0, "{}", server.output());
}

#[test]
fn running_out_of_file_descriptors_does_not_stop_the_server() {
    let mut server = ServerChild::start_with_fd_limit(BIN, 64, &["14.13"]);
    test_harness::assert_echo_survives_fd_exhaustion(&mut server, "14.13");
}

#[test]
fn listing_14_13_demo_echoes_three_clients_and_stops() {
    let run = run_bin(BIN, &["14.13", "--demo"], "");
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    for name in ["A", "B", "C"] {
        for n in 1..=2 {
            run.position(&format!("client {name} got back b\"{name}{n}\\r\\n\""));
        }
    }
    assert_eq!(run.positions("Got a connection from").len(), 3);
    // It ends with what it showed, counted by the server.
    assert_eq!(
        run.lines().last().copied(),
        Some(
            "3 clients served at once by our own loop, on 1 thread(s), with no Tokio runtime inside"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn listing_14_13_demo_draws_each_connection_and_client_on_the_timeline() {
    let run = run_bin(BIN, &["14.13", "--demo", "--timeline"], "");
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    for name in ["A", "B", "C"] {
        run.position(&format!("client {name}"));
    }
    assert_eq!(run.positions("echo(127.0.0.1:").len(), 3, "{}", run.stdout);
}

#[test]
fn a_taken_port_is_reported_in_one_line() {
    test_harness::assert_port_in_use_reported(BIN, &["14.10", "14.13"]);
}

#[test]
fn listing_14_10_awaits_the_future_its_callback_completes_and_ends() {
    let mut server = ServerChild::start(BIN, &["14.10"]);
    let client = server.connect();
    let local = client.local_addr().unwrap();
    assert_eq!(
        server.wait_exit(SERVER_WAIT),
        Some(0),
        "{}",
        server.stderr()
    );
    let output = server.output();
    let expected = [
        "Waiting for socket connection!".to_owned(),
        "Registering socket to listen for connections".to_owned(),
        "Pausing to listen for connections...".to_owned(),
        "Processing selector events...".to_owned(),
        format!("We got a connection from {local}!"),
        format!("Got a connection {local}!"),
        "Application finished!".to_owned(),
        // One poll to the await, one after the callback set the future.
        "(main was polled 2 time(s): to its await, then after the callback set the future)"
            .to_owned(),
    ];
    let lines: Vec<&str> = output
        .lines()
        .skip_while(|l| !l.starts_with("Waiting"))
        .collect();
    assert_eq!(lines, expected, "{output}");
}
