//! The client and stdin listings, run as a user runs them.

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use shared_util::demo::server::DemoServer;
use test_harness::{assert_lists_every_listing, run_bin};

const BIN: &str = env!("CARGO_BIN_EXE_chapter08");

#[test]
fn http_clients_get_the_demo_page_and_its_status() {
    for id in ["8.1", "8.2", "8.3"] {
        let run = run_bin(BIN, &[id], "");
        assert_eq!(run.code, Some(0), "{id}: {}", run.stderr);
        assert!(
            run.stdout.contains("HTTP/1.1 200 OK"),
            "{id}:\n{}",
            run.stdout
        );
        assert!(
            run.stdout.contains("<title>Demo Domain</title>"),
            "{id}:\n{}",
            run.stdout
        );
        assert!(
            run.stdout.trim_end().ends_with("</html>"),
            "{id}: the whole body"
        );
    }
    let run = run_bin(BIN, &["8.1"], "");
    let (made, data, end, status) = (
        run.position("connection made"),
        run.position("data received"),
        run.position("end of stream"),
        run.position("HTTP/1.1 200 OK"),
    );
    assert!(made < data && data < end && end < status, "{}", run.stdout);
    let run = run_bin(BIN, &["8.2"], "");
    assert!(run.position("connection made") < run.position("response framed"));
    assert!(run.position("response framed") < run.position("end of stream"));
}

#[test]
fn http_clients_report_other_statuses() {
    let server = DemoServer::start().unwrap();
    let url = format!("{}/status/404", server.url());
    for id in ["8.1", "8.2", "8.3"] {
        let run = run_bin(BIN, &[id, "--url", &url], "");
        assert_eq!(run.code, Some(0), "{id}: {}", run.stderr);
        assert!(run.stdout.contains("HTTP/1.1 404"), "{id}:\n{}", run.stdout);
    }
}

#[test]
fn https_is_refused_with_a_clear_message() {
    let run = run_bin(BIN, &["8.2", "--url", "https://example.com"], "");
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("not a plain http:// URL"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn a_server_that_never_answers_hits_the_timeout() {
    // Accepts every connection and never writes a byte.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", silent.local_addr().unwrap());
    std::thread::spawn(move || {
        let held: Vec<_> = silent.incoming().collect();
        drop(held);
    });
    for id in ["8.1", "8.2", "8.3"] {
        let run = run_bin(BIN, &[id, "--url", &url, "--timeout", "1"], "");
        assert_eq!(run.code, Some(1), "{id}: {}", run.stderr);
        assert!(
            run.stderr.contains("no complete response from 127.0.0.1:")
                && run.stderr.contains("within 1 s"),
            "{id}: {}",
            run.stderr
        );
    }
}

/// Runs `id`, waits for `ready` and then for `ticks_after` more tick lines,
/// types `line`, and returns everything printed.
fn type_after(id: &str, ready: &str, ticks_after: usize, line: &str) -> String {
    let mut child = Command::new(BIN)
        .arg(id)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (sender, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let mut seen = Vec::new();
    let mut next = || {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .expect("a line within 30 s");
        seen.push(line.clone());
        line
    };
    while !next().contains(ready) {}
    let mut ticks = 0;
    while ticks < ticks_after {
        ticks += usize::from(next().starts_with("tick"));
    }
    if ticks_after == 0 {
        std::thread::sleep(Duration::from_millis(700)); // a tick's worth of chance
    }
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(line.as_bytes()).unwrap();
    drop(stdin);
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(30)) {
        seen.push(line);
    }
    // Bounded: `finish` kills the child and fails if it does not end.
    let run = test_harness::finish(child, "");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    seen.join("\n")
}

#[test]
fn a_blocking_read_freezes_the_ticker() {
    let out = type_after("8.4", "a blocking read", 0, "hello\n");
    assert!(out.contains("tick 2"), "{out}");
    assert!(out.contains("read \"hello\""), "{out}");
    assert!(
        out.contains("the ticker ticked 0 time(s) while we waited"),
        "{out}"
    );
    assert!(
        out.contains("after the read the ticker runs again"),
        "{out}"
    );
}

#[test]
fn an_async_read_lets_the_ticker_run() {
    let out = type_after("8.5", "the ticker keeps going", 2, "hi\n");
    assert!(out.contains("read \"hi\""), "{out}");
    let during: u64 = out
        .lines()
        .find_map(|l| l.strip_prefix("the ticker ticked "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a tick count");
    assert!(during >= 2, "{out}");
}

#[test]
fn delays_start_from_lines_and_bad_lines_are_explained() {
    let run = run_bin(BIN, &["8.6"], "1\nabc\n0\n");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("'abc' is not a delay"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("end of input; waiting for"),
        "{}",
        run.stdout
    );
    assert!(run.position("finished sleeping for 0") < run.position("finished sleeping for 1"));
    assert!(run.position("sleeping for 1 second(s)") < run.position("finished sleeping for 0"));
}

#[test]
fn listing_8_8_echoes_keys_and_backspace_erases() {
    let run = run_bin(BIN, &["8.8"], "ab\x7fc\rquit\r");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("you typed \"ac\""), "{:?}", run.stdout);
    assert!(
        run.stdout.contains("b\x1b[1D \x1b[1Dc"),
        "backspace erases on screen with 8.7's move_back_one_char: {:?}",
        run.stdout
    );
    assert!(run.stdout.trim_end().ends_with("bye"));
}

#[test]
fn the_cursor_helpers_and_the_message_store() {
    let run = run_bin(BIN, &["8.7"], "");
    assert_eq!(run.code, Some(0));
    insta::assert_snapshot!("listing_8_7", run.stdout);
    let run = run_bin(BIN, &["8.9"], "");
    assert_eq!(run.code, Some(0));
    insta::assert_snapshot!("listing_8_9", run.stdout);
}

#[test]
fn full_screen_apps_refuse_piped_input_with_one_line() {
    for id in ["8.10", "8.11", "8.14"] {
        let run = run_bin(BIN, &[id], "");
        assert_eq!(run.code, Some(1), "{id}");
        assert!(
            run.stderr.contains("needs a terminal"),
            "{id}: {}",
            run.stderr
        );
    }
}

#[test]
fn list_json_names_every_registered_listing() {
    let ids = assert_lists_every_listing(BIN, 8, chapter08::CHAPTER.ids());
    let expected: Vec<String> = (1..=14).map(|n| format!("8.{n}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn all_runs_the_non_interactive_listings() {
    let run = run_bin(BIN, &["all"], "");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("ran 7 listing(s) of chapter 8: 7 ok, 0 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_bad_option_value_exits_2() {
    let run = run_bin(BIN, &["8.13", "--idle-timeout", "soon"], "");
    assert_eq!(run.code, Some(2));
}
