//! 14.2 (task-local addresses) and 14.4 (the echo server on smol), driven
//! over real TCP as child processes.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;

use test_harness::{SERVER_WAIT, ServerChild, run_bin};

const BIN: &str = env!("CARGO_BIN_EXE_chapter14");

#[test]
fn listing_14_2_each_connection_sees_its_own_address_and_children_see_none() {
    let mut server = ServerChild::start(BIN, &["14.2"]);
    let address = server.address();
    let clients: Vec<_> = (0..20u32)
        .map(|n| {
            std::thread::spawn(move || {
                let stream = TcpStream::connect(address).unwrap();
                stream.set_read_timeout(Some(SERVER_WAIT)).unwrap();
                let local = stream.local_addr().unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                for k in 0..3 {
                    let line = format!("client {n} line {k}\n");
                    writer.write_all(line.as_bytes()).unwrap();
                    let mut echo = String::new();
                    reader.read_line(&mut echo).unwrap();
                    assert_eq!(echo, line);
                }
                (n, local)
            })
        })
        .collect();
    let clients: Vec<_> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    for (n, local) in clients {
        for k in 0..3 {
            // Printed before the echo was sent, so it is there already.
            let line = server.wait_for(&format!("Got message b\"client {n} line {k}\\n\""));
            assert!(
                line.ends_with(&format!(" from {local}")),
                "client {n} at {local}: {line}"
            );
        }
        server.wait_for(&format!(
            "{local}: a task spawned here sees nothing; one scoped again sees {local}"
        ));
    }
    assert_eq!(server.count("Got message"), 60, "{}", server.output());
}

#[test]
fn listing_14_2_refuses_a_line_over_64_kib_and_logs_long_ones_as_a_preview() {
    let mut server = ServerChild::start(BIN, &["14.2"]);
    // A 1000-byte line is echoed whole but logged as a preview.
    let mut long = server.connect();
    let line = format!("{}\n", "x".repeat(999));
    long.write_all(line.as_bytes()).unwrap();
    let mut echo = vec![0; line.len()];
    long.read_exact(&mut echo).unwrap();
    assert_eq!(echo, line.as_bytes());
    let logged = server.wait_for("... (1000 bytes) from ");
    assert!(logged.len() < 200, "{logged}");
    // Four mebibytes without a newline: refused, closed, not kept.
    let mut flood = server.connect();
    let mut sender = flood.try_clone().unwrap();
    let sending = std::thread::spawn(move || {
        let chunk = vec![b'y'; 1 << 20];
        for _ in 0..4 {
            if sender.write_all(&chunk).is_err() {
                break; // closed already: the server stopped reading
            }
        }
    });
    let mut answer = String::new();
    let _ = flood.read_to_string(&mut answer);
    sending.join().unwrap();
    assert!(
        answer.starts_with("line too long: at most 65536 bytes; closing"),
        "{answer:.80}"
    );
    server.wait_for("sent a line over 65536 bytes: closed");
    assert!(server.resident_bytes() < 64 << 20);
    assert!(server.output().len() < 10_000);
}

#[test]
fn listing_14_2_demo_runs_and_stops() {
    let run = run_bin(BIN, &["14.2", "--demo"], "");
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(run.positions("Got message b\"").len(), 4, "{}", run.stdout);
}

/// Chapter 3's binary beside ours (see tests/main/echo.rs for why it is a process).
fn chapter03() -> std::path::PathBuf {
    let path = std::path::PathBuf::from(BIN).with_file_name("chapter03");
    if !path.exists() {
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml");
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "-p", "chapter03", "--manifest-path", manifest])
            .status()
            .expect("run cargo");
        assert!(status.success(), "could not build chapter03's load tool");
    }
    path
}

#[test]
fn listing_14_4_on_smol_passes_chapter_3s_load_tool() {
    let server = ServerChild::start(BIN, &["14.4"]);
    let addr = server.address().to_string();
    let args = [
        "load",
        "--addr",
        &addr,
        "--clients",
        "50",
        "--messages",
        "200",
        "--size",
        "3000",
        "--idle",
        "500",
    ];
    let run = run_bin(chapter03(), &args, "");
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    run.position("messages:         10000 of 10000 echoed and verified");
    run.position("errors:           0");
    run.position("connections made: 50 of 50 active, 500 of 500 idle");
}

#[test]
fn listing_14_4_echoes_a_mebibyte_and_survives_running_out_of_descriptors() {
    let server = ServerChild::start(BIN, &["14.4"]);
    let client = server.connect();
    let message: Vec<u8> = (0..1 << 20).map(|i: u32| (i * 13 % 256) as u8).collect();
    let mut writer = client.try_clone().unwrap();
    let payload = message.clone();
    let sender = std::thread::spawn(move || writer.write_all(&payload));
    let mut echo = vec![0; message.len()];
    (&client).read_exact(&mut echo).unwrap();
    sender.join().unwrap().unwrap();
    assert!(echo == message);

    let mut server = ServerChild::start_with_fd_limit(BIN, 64, &["14.4"]);
    test_harness::assert_echo_survives_fd_exhaustion(&mut server, "14.4");
}

#[test]
fn listing_14_4_demo_echoes_three_clients() {
    let run = run_bin(BIN, &["14.4", "--demo"], "");
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(run.positions("client ").len(), 6, "{}", run.stdout);
}
