//! 11.12 facing strangers: big uploads, endless ones, silent ones, and a
//! server out of file descriptors. Every wait is bounded.

use std::io::{Read as _, Write as _};
use std::net::Shutdown;
use std::time::Duration;

use test_harness::ServerChild as Server;
use test_harness::Signal;

const BIN: &str = env!("CARGO_BIN_EXE_chapter11");

/// Sends `mib` MiB and closes the sending side; returns what the server
/// answered before closing (nothing for an accepted upload).
fn upload(server: &Server, mib: usize) -> String {
    let mut client = server.connect();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..mib {
        if client.write_all(&chunk).is_err() {
            break; // refused: the server closed the connection
        }
    }
    let _ = client.shutdown(Shutdown::Write);
    let mut answer = String::new();
    let _ = client.read_to_string(&mut answer);
    answer
}

#[test]
fn a_200_mib_upload_is_counted_not_kept() {
    // Before, the server kept it all, about four times over (791 MB).
    let mut server = Server::start(BIN, &["11.12"]);
    assert_eq!(upload(&server, 200), "");
    let line = server.wait_for("Upload finished (209715200 bytes)");
    assert!(line.contains("more bytes)"), "{line}");
    assert!(line.len() < 400, "the upload is not printed whole");
    let peak = shared_util::sys::peak_resident_bytes(server.pid()).unwrap_or(0);
    println!("11.12 peak RSS over a 200 MiB upload: {} MiB", peak >> 20);
    assert!(peak < 64 << 20, "peak RSS {} MiB", peak >> 20);
}

#[test]
fn an_upload_over_the_cap_is_refused_with_a_line_to_the_client() {
    let mut server = Server::start(BIN, &["11.12", "--max-upload-mib", "1"]);
    let answer = upload(&server, 4);
    assert_eq!(
        answer,
        "upload refused: larger than 1048576 bytes; closing\n"
    );
    server.wait_for("refused: over the size limit");
    // Still serving.
    assert_eq!(upload(&server, 1), "");
    server.wait_for("Upload finished (1048576 bytes)");
}

#[test]
fn a_silent_upload_is_given_up_and_others_are_served_meanwhile() {
    let mut server = Server::start(BIN, &["11.12", "--upload-idle", "1"]);
    let mut silent = server.connect();
    let mut partial = server.connect();
    partial.write_all(b"half an upl").unwrap();
    assert_eq!(upload(&server, 1), "");
    server.wait_for("Upload finished (1048576 bytes)");
    for client in [&mut silent, &mut partial] {
        let mut answer = String::new();
        client.read_to_string(&mut answer).unwrap();
        assert_eq!(answer, "no data for 1 s; closing\n");
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.count("given up: idle") < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(server.count("given up: idle"), 2, "{}", server.output());
    // Ctrl-C ends it at once (no handler: the default action).
    server.signal(Signal::SIGINT);
    assert_eq!(server.wait_exit(Duration::from_secs(5)), None);
}

#[test]
fn the_upload_server_rides_out_running_out_of_file_descriptors() {
    // Before, the first EMFILE ended the server and every upload with it.
    let mut server = Server::start_with_fd_limit(BIN, 64, &["11.12"]);
    let mut held = test_harness::connect_many(server.address(), 90);
    server.wait_for("accept failed: Too many open files");
    held.truncate(10);
    assert_eq!(upload(&server, 1), "");
    server.wait_for("Upload finished (1048576 bytes)");
    drop(held);
    assert_eq!(server.count("accept failed"), 1, "{}", server.output());
}
