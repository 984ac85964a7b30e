//! A chapter-3 server running as a child process, driven over real TCP.
//!
//! `Server::start(&["3.8"])` runs the binary with `--port 0`, reads the
//! port from its `listening on` line and keeps reading its stdout on a
//! thread (a server that logs into a full pipe would stall). Every wait is
//! bounded; `Drop` kills a server the test did not stop.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

pub const BIN: &str = env!("CARGO_BIN_EXE_chapter03");

/// How long a test waits for anything the server should print or do.
pub const WAIT: Duration = Duration::from_secs(30);

pub struct Server {
    child: Child,
    lines: Receiver<String>,
    /// Every stdout line read so far.
    pub seen: Vec<String>,
    stderr: Arc<Mutex<String>>,
    pub port: u16,
}

impl Server {
    /// Starts listing `args[0]` (plus the rest) on a free port.
    pub fn start(args: &[&str]) -> Self {
        let mut command = Command::new(BIN);
        command.args(args).args(["--port", "0"]);
        Self::spawn_raw(command, None)
    }

    /// Like [`Server::start`], with the child's soft limit on open files
    /// lowered to `limit` (through `sh -c 'ulimit -n'`).
    pub fn start_with_fd_limit(limit: u32, args: &[&str]) -> Self {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
            .arg(BIN)
            .args(args)
            .args(["--port", "0"]);
        Self::spawn_raw(command, None)
    }

    /// Starts a listing that is not a server (no port): waits for `ready`.
    pub fn start_plain(args: &[&str], ready: &str) -> Self {
        let mut command = Command::new(BIN);
        command.args(args);
        Self::spawn_raw(command, Some(ready))
    }

    fn spawn_raw(mut command: Command, ready: Option<&str>) -> Self {
        let mut child = command
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the chapter03 binary starts");
        let (sender, lines) = channel();
        let stdout = child.stdout.take().expect("piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("piped");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            *sink.lock().unwrap() = text;
        });
        let mut server = Server {
            child,
            lines,
            seen: Vec::new(),
            stderr,
            port: 0,
        };
        if let Some(ready) = ready {
            server.wait_for(ready);
            return server;
        }
        let line = server.wait_for("listening on 127.0.0.1:");
        server.port = line
            .rsplit(':')
            .next()
            .and_then(|p| p.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        server
    }

    pub fn address(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// A blocking client with bounded reads and writes.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.address()).expect("connect to the server");
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream.set_write_timeout(Some(WAIT)).unwrap();
        stream
    }

    /// Waits (bounded) for a stdout line containing `needle`; returns it.
    pub fn wait_for(&mut self, needle: &str) -> String {
        if let Some(line) = self.seen.iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "no line with {needle:?} within {WAIT:?}; seen:\n{}",
                        self.seen.join("\n")
                    )
                }
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "the server ended before printing {needle:?}; seen:\n{}\nstderr:\n{}",
                    self.seen.join("\n"),
                    self.stderr()
                ),
            }
        }
    }

    /// Reads whatever the server has printed so far without waiting.
    pub fn drain(&mut self) {
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
    }

    pub fn count(&mut self, needle: &str) -> usize {
        self.drain();
        self.seen.iter().filter(|l| l.contains(needle)).count()
    }

    pub fn signal(&self, signal: Signal) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        nix::sys::signal::kill(pid, signal).expect("signal the server");
    }

    /// Waits at most `bound` for the server to exit; returns its exit code
    /// (None if killed by a signal). All its output is in `seen` afterwards.
    pub fn wait_exit(&mut self, bound: Duration) -> Option<i32> {
        let deadline = Instant::now() + bound;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The reader thread sees end of file right after exit.
                while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
                    self.seen.push(line);
                }
                return status.code();
            }
            if Instant::now() > deadline {
                self.drain();
                panic!(
                    "the server did not exit within {bound:?}; seen:\n{}",
                    self.seen.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn output(&mut self) -> String {
        self.drain();
        self.seen.join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `message` and reads back exactly as many bytes.
pub fn round_trip(stream: &mut TcpStream, message: &[u8]) -> Vec<u8> {
    stream.write_all(message).expect("send");
    let mut echo = vec![0; message.len()];
    stream.read_exact(&mut echo).expect("read the echo");
    echo
}

/// Sends and reads at the same time (a big echo cannot wait for the send
/// to finish: both sides' buffers would fill), then checks every byte.
pub fn round_trip_big(stream: &TcpStream, message: &[u8]) {
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
