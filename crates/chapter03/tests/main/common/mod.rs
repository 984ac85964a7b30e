//! A chapter-3 server running as a child process, driven over real TCP:
//! test-harness's [`ServerChild`] started with this chapter's binary, plus
//! the echo helpers the tests share.

#![allow(dead_code)]

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::process::Command;

pub use test_harness::{SERVER_WAIT as WAIT, ServerChild as Server};

pub const BIN: &str = env!("CARGO_BIN_EXE_chapter03");

/// Starts listing `args[0]` (plus the rest) on a free port.
pub fn start(args: &[&str]) -> Server {
    Server::start(BIN, args)
}

/// Like [`start`], with the child's limit on open files lowered to `limit`.
pub fn start_with_fd_limit(limit: u64, args: &[&str]) -> Server {
    Server::start_with_fd_limit(BIN, limit, args)
}

/// Starts a listing that is not a server (no port): waits for `ready`.
pub fn start_plain(args: &[&str], ready: &str) -> Server {
    let mut command = Command::new(BIN);
    command.args(args);
    Server::spawn(command, Some(ready))
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
