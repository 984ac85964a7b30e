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
