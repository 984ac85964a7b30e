//! A chapter-8 server as a child process on a free port (test-harness's
//! [`ServerChild`]), and blocking line clients with bounded reads.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpStream;

pub use test_harness::{SERVER_WAIT as WAIT, ServerChild as Server};

pub const BIN: &str = env!("CARGO_BIN_EXE_chapter08");

/// Starts listing `args[0]` (plus the rest) on a free port.
pub fn start(args: &[&str]) -> Server {
    Server::start(BIN, args)
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
