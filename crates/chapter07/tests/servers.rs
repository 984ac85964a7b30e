//! 7.1 and 7.2 as a user meets them: the server in a child process on a
//! free port, real TCP clients, real signals. Every wait is bounded.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use shared_util::testing::run_bin;

const BIN: &str = env!("CARGO_BIN_EXE_chapter07");
const WAIT: Duration = Duration::from_secs(30);

struct Server {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
    port: u16,
}

impl Server {
    fn start(id: &str) -> Self {
        let mut child = Command::new(BIN)
            .args([id, "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (sender, lines) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let mut server = Server {
            child,
            lines,
            seen: Vec::new(),
            port: 0,
        };
        let line = server.wait_for("listening on 127.0.0.1:");
        server.port = line.rsplit(':').next().unwrap().parse().unwrap();
        server
    }

    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        if let Some(line) = self.seen.iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.lines.recv_timeout(left).unwrap_or_else(|_| {
                panic!(
                    "no {needle:?} within {WAIT:?}; seen:\n{}",
                    self.seen.join("\n")
                )
            });
            self.seen.push(line.clone());
            if line.contains(needle) {
                return line;
            }
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream
    }

    fn wait_exit(&mut self) -> Option<i32> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
                    self.seen.push(line);
                }
                return status.code();
            }
            assert!(
                Instant::now() < deadline,
                "no exit; seen:\n{}",
                self.seen.join("\n")
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn echo(stream: &mut TcpStream, message: &[u8]) {
    stream.write_all(message).unwrap();
    let mut back = vec![0; message.len()];
    stream.read_exact(&mut back).unwrap();
    assert_eq!(back, message);
}

#[test]
fn listing_7_1_echoes_for_clients_at_the_same_time() {
    let server = Server::start("7.1");
    let mut a = server.connect();
    let mut b = server.connect();
    // B is served while A is still connected: one thread each.
    echo(&mut b, b"from b\r\n");
    echo(&mut a, b"from a\r\n");
    echo(&mut b, b"b again\r\n");
}

#[test]
fn listing_7_2_says_goodbye_to_every_client_on_sigint_and_exits_0() {
    let mut server = Server::start("7.2");
    let mut clients: Vec<TcpStream> = (0..3).map(|_| server.connect()).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        echo(client, format!("hello {i}\r\n").as_bytes());
    }
    let mut leaver = server.connect();
    echo(&mut leaver, b"bye\r\n");
    drop(leaver);
    server.wait_for("connection closed, thread ending");

    kill(Pid::from_raw(server.child.id() as i32), Signal::SIGINT).unwrap();
    for client in &mut clients {
        let mut rest = String::new();
        client.read_to_string(&mut rest).unwrap(); // ends at EOF
        assert_eq!(rest, "Shutting down!");
    }
    assert_eq!(server.wait_exit(), Some(0), "{}", server.seen.join("\n"));
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
    let mut server = Server::start("7.2");
    kill(Pid::from_raw(server.child.id() as i32), Signal::SIGTERM).unwrap();
    assert_eq!(server.wait_exit(), Some(0));
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
