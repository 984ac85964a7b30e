//! The `demo-server` binary as a user runs it: it prints its URL, serves
//! curl-style requests, and stops cleanly on Ctrl-C (SIGINT); a wrong flag
//! or a taken port ends it at once with a message.

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn serves_requests_and_stops_on_ctrl_c() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_demo-server"))
        .args(["--port", "0", "--latency-ms", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("demo-server starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());

    // Read the banner on a thread, so a silent server fails the test
    // instead of hanging it.
    let (sender, receiver) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut banner = String::new();
        stdout.read_line(&mut banner).unwrap();
        sender.send(banner).unwrap();
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        rest
    });
    let banner = match receiver.recv_timeout(Duration::from_secs(30)) {
        Ok(banner) => banner,
        Err(_) => {
            let _ = child.kill();
            panic!("demo-server printed nothing in 30 s");
        }
    };
    let url = banner
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no URL in {banner:?}"))
        .to_owned();

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    for (path, status) in [("/", 200), ("/delay/250", 200), ("/status/503", 503)] {
        let response = agent.get(&format!("{url}{path}")).call().unwrap();
        assert_eq!(response.status().as_u16(), status, "{path}");
    }

    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    // Bounded: `finish` kills the server and fails if it does not stop.
    let run = test_harness::finish(child, "");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rest = reader.join().unwrap();
    assert!(
        rest.contains("stopping: served 3 request(s), at most 1 at once"),
        "{rest}"
    );
}

#[test]
fn a_port_in_use_exits_1_with_a_message() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_demo-server"))
        .args(["--port", &port])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{stderr}"
    );
}

#[test]
fn a_bad_flag_exits_2_with_a_message_and_the_usage() {
    // Bounded: a server that started anyway would be killed and fail here.
    let run = test_harness::run_bin(env!("CARGO_BIN_EXE_demo-server"), &["--port", "http"], "");
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .contains("error: invalid value 'http' for --port: give a port, 0-65535"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("Usage: demo-server [--port PORT] [--latency-ms MS]"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

// --- Bounded in time and memory: the faults a class hits by accident ---

use std::io::Write as _;
use std::net::TcpStream;

use nix::sys::signal::Signal;
use test_harness::ServerChild;

fn demo_server() -> ServerChild {
    // Passes `--port 0` and reads the port from the banner.
    ServerChild::start(env!("CARGO_BIN_EXE_demo-server"), &[])
}

#[test]
fn ctrl_c_with_a_half_sent_header_open_stops_at_once() {
    let mut server = demo_server();
    // A client that started a request and went quiet: before the fix,
    // the graceful shutdown waited for it forever.
    let mut quiet = server.connect();
    quiet
        .write_all(b"GET / HTTP/1.1\r\nHost: demo\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let interrupted = std::time::Instant::now();
    server.signal(Signal::SIGINT);
    assert_eq!(server.wait_exit(Duration::from_secs(20)), Some(0));
    // No request of its was in a handler, so the shutdown did not give it
    // the 5 s grace: it was dropped at once.
    let took = interrupted.elapsed();
    assert!(took < Duration::from_secs(4), "Ctrl-C took {took:?}");
    let output = server.output();
    assert!(output.contains("(Ctrl-C again to quit now)"), "{output}");
    assert!(output.contains("stopped"), "{output}");
}

#[test]
fn a_second_ctrl_c_quits_without_waiting_for_requests_in_flight() {
    // --log prints each request as it reaches the server's handler.
    let mut server = ServerChild::start(env!("CARGO_BIN_EXE_demo-server"), &["--log"]);
    let mut slow = server.connect();
    slow.write_all(b"GET /delay/60000 HTTP/1.1\r\nHost: demo\r\n\r\n")
        .unwrap();
    server.wait_for("GET /delay/60000 (in flight: 1)");
    server.signal(Signal::SIGINT);
    let stopping = server.wait_for("stopping: served");
    assert!(
        stopping.contains("served 1 request(s)"),
        "the request was not in flight when Ctrl-C came: {stopping}"
    );
    server.signal(Signal::SIGINT);
    // Well inside the 5 s grace the first Ctrl-C would have waited.
    assert_eq!(server.wait_exit(Duration::from_secs(4)), Some(130));
    assert!(
        server
            .output()
            .contains("interrupted again: quitting without waiting"),
        "{}",
        server.output()
    );
}

#[test]
fn ctrl_c_after_the_terminal_closed_stdout_does_not_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_demo-server"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("demo-server starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    stdout.read_line(&mut banner).unwrap();
    assert!(banner.contains("listening on"), "{banner}");
    // The reading end goes away: every later print fails with EPIPE.
    drop(stdout);
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let run = test_harness::finish(child, "");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// A request line and `size` bytes of header lines, with no blank line
/// to end the header.
fn half_header(size: usize) -> Vec<u8> {
    let mut header = b"GET / HTTP/1.1\r\nHost: demo\r\n".to_vec();
    while header.len() < size {
        header.extend_from_slice(
            b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
        );
    }
    header
}

#[test]
fn five_hundred_half_sent_headers_cost_little_memory_and_others_are_served() {
    let server = demo_server();
    let before = server.resident_bytes();
    // 64 KiB of header each, never finished. Past the 16 KiB head limit
    // the server answers 431 and closes, so a write may fail: that is the
    // server refusing, which is the point.
    let clients: Vec<TcpStream> = (0..500)
        .map(|_| {
            let mut client = server.connect();
            let _ = client.write_all(&half_header(64 * 1024));
            client
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let during = server.resident_bytes();
    let grown = during.saturating_sub(before);
    assert!(
        grown < 32 * 1024 * 1024,
        "500 half-sent headers grew the server by {} MiB ({} -> {} bytes)",
        grown / (1024 * 1024),
        before,
        during
    );
    // And a normal client is still answered.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let response = agent
        .get(&format!("http://{}/", server.address()))
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    drop(clients);
}
