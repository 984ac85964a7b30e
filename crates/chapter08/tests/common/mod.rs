//! A chapter-8 server as a child process on a free port, and blocking
//! line clients with bounded reads. `Drop` kills the server.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_chapter08");
pub const WAIT: Duration = Duration::from_secs(30);

pub struct Server {
    child: Child,
    pub lines: Receiver<String>,
    pub port: u16,
}

impl Server {
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args(args)
            .args(["--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the chapter08 binary starts");
        let (sender, lines) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let first = lines.recv_timeout(WAIT).expect("the server starts");
        let port = first
            .strip_prefix("listening on 127.0.0.1:")
            .and_then(|rest| rest.split(' ').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {first:?}"));
        Server { child, lines, port }
    }

    pub fn connect(&self) -> Client {
        Client::connect(self.port)
    }

    /// Waits (bounded) for a server log line containing `needle`.
    pub fn wait_for(&self, needle: &str) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("the server never printed {needle:?}"));
            if line.contains(needle) {
                return line;
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Client {
    pub reader: BufReader<TcpStream>,
    pub writer: TcpStream,
}

impl Client {
    pub fn connect(port: u16) -> Self {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream.set_write_timeout(Some(WAIT)).unwrap();
        Client {
            writer: stream.try_clone().unwrap(),
            reader: BufReader::new(stream),
        }
    }

    pub fn send(&mut self, bytes: impl AsRef<[u8]>) {
        self.writer.write_all(bytes.as_ref()).expect("send");
    }

    /// The next line, or None at end of stream (a read timeout panics).
    pub fn line(&mut self) -> Option<String> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => None,
            Ok(_) => Some(line.trim_end_matches('\n').to_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => None,
            Err(e) => panic!("read failed (timeout?): {e}"),
        }
    }

    pub fn expect(&mut self, wanted: &str) {
        assert_eq!(self.line().as_deref(), Some(wanted));
    }

    /// Reads lines until `wanted`; returns those before it.
    pub fn until(&mut self, wanted: &str) -> Vec<String> {
        let mut before = Vec::new();
        loop {
            match self.line() {
                Some(line) if line == wanted => return before,
                Some(line) => before.push(line),
                None => panic!("closed before {wanted:?}; got {before:?}"),
            }
        }
    }

    /// CONNECTs as `name` and reads the welcome and own announcement.
    pub fn join(port: u16, name: &str) -> (Self, String) {
        let mut client = Client::connect(port);
        client.send(format!("CONNECT {name}\n"));
        let welcome = client.line().expect("a welcome");
        client.until(&format!("{name} connected!"));
        (client, welcome)
    }
}
