//! The servers of 8.12 and 8.13 and the scripted client of 8.14, over real
//! TCP. Delivery is checked by counts and order, never by time.

use std::collections::HashMap;

use crate::common::{BIN, Client};
use test_harness::run_bin;

#[test]
fn the_stream_server_greets_echoes_and_announces() {
    let server = crate::common::start(&["8.12"]);
    let mut a = Client::connect(server.port);
    a.expect("Welcome! 1 user(s) are online!");
    let mut b = Client::connect(server.port);
    b.expect("Welcome! 2 user(s) are online!");
    a.expect("New user connected!");
    b.send("echo me\n");
    b.expect("echo me");
    drop(b);
    a.expect("Client disconnected. 1 user(s) are online!");
}

#[test]
fn demos_run_a_scripted_session_and_stop() {
    let run = run_bin(BIN, &["8.12", "--demo"], "");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("A got: Client disconnected. 1 user(s) are online!")
    );
    let run = run_bin(BIN, &["8.13", "--demo"], "");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for line in [
        "bob got: Welcome! 2 user(s) are online!",
        "bob got: bob: hello alice",
        "alice got: bob has left the chat",
        "alice got: alice: bye!",
    ] {
        assert!(run.stdout.contains(line), "{line}:\n{}", run.stdout);
    }
}

#[test]
fn the_chat_protocol_welcomes_broadcasts_and_says_goodbye() {
    let server = crate::common::start(&["8.13"]);
    let (mut ann, welcome) = Client::join(server.port, "ann");
    assert_eq!(welcome, "Welcome! 1 user(s) are online!");
    let (mut bob, welcome) = Client::join(server.port, "bob");
    assert_eq!(welcome, "Welcome! 2 user(s) are online!");
    ann.expect("bob connected!");
    bob.send("hi ann\n");
    ann.expect("bob: hi ann");
    bob.expect("bob: hi ann");
    drop(bob);
    ann.expect("bob has left the chat");
}

#[test]
fn fifty_clients_receive_every_message_in_order_per_sender() {
    const CLIENTS: usize = 50;
    const MESSAGES: usize = 20;
    let server = crate::common::start(&["8.13"]);
    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let (client, welcome) = Client::join(server.port, &format!("c{i}"));
        assert_eq!(welcome, format!("Welcome! {} user(s) are online!", i + 1));
        clients.push(client);
    }
    let readers: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, mut client)| {
            std::thread::spawn(move || {
                let mut writer = client.writer.try_clone().unwrap();
                let sender = std::thread::spawn(move || {
                    for m in 0..MESSAGES {
                        std::io::Write::write_all(&mut writer, format!("m{m}\n").as_bytes())
                            .unwrap();
                    }
                });
                // Per sender: the message numbers seen, in arrival order.
                let mut seen: HashMap<String, Vec<usize>> = HashMap::new();
                let mut total = 0;
                while total < CLIENTS * MESSAGES {
                    let line = client
                        .line()
                        .unwrap_or_else(|| panic!("c{i} cut off after {total}"));
                    if let Some((sender, text)) = line.split_once(": m") {
                        seen.entry(sender.to_owned())
                            .or_default()
                            .push(text.parse().unwrap());
                        total += 1;
                    }
                }
                sender.join().unwrap();
                seen
            })
        })
        .collect();
    for (i, reader) in readers.into_iter().enumerate() {
        let seen = reader.join().expect("a reader thread");
        assert_eq!(seen.len(), CLIENTS, "client c{i} heard from every sender");
        for (sender, numbers) in seen {
            let expected: Vec<usize> = (0..MESSAGES).collect();
            assert_eq!(numbers, expected, "c{i} got {sender}'s messages in order");
        }
    }
}

#[test]
fn a_client_that_never_reads_is_dropped_and_the_others_get_everything() {
    const BIG: usize = 1000;
    let mut server = crate::common::start(&["8.13"]);
    let (silent, _) = Client::join(server.port, "silent");
    let (mut talker, _) = Client::join(server.port, "talker");
    let (mut listener, _) = Client::join(server.port, "listener");
    talker.until("listener connected!");
    // Enough to fill the silent client's socket buffers and its queue.
    let text = "x".repeat(BIG - 20);
    let messages = 20_000;
    let mut writer = talker.writer.try_clone().unwrap();
    let sending = std::thread::spawn(move || {
        for m in 0..messages {
            std::io::Write::write_all(&mut writer, format!("{m} {text}\n").as_bytes()).unwrap();
        }
    });
    let drain = std::thread::spawn(move || while talker.line().is_some() {});
    let mut count = 0;
    let mut dropped = false;
    while count < messages {
        let line = listener.line().expect("the listener stays connected");
        if line == "silent has left the chat" {
            dropped = true;
        } else if let Some(rest) = line.strip_prefix("talker: ") {
            let number: usize = rest.split(' ').next().unwrap().parse().unwrap();
            assert_eq!(number, count, "in order, none lost");
            count += 1;
        }
    }
    assert!(dropped, "the silent client was dropped");
    server.wait_for("dropping silent");
    sending.join().unwrap();
    drop(silent);
    drop(drain);
}

#[test]
fn bad_input_gets_its_answer_and_the_server_keeps_serving() {
    let server = crate::common::start(&["8.13"]);
    let (_ann, _) = Client::join(server.port, "ann");
    let cases: [(&[u8], &str); 4] = [
        (
            b"HELLO there\n",
            "ERROR the first line must be CONNECT <username>",
        ),
        (b"CONNECT \n", "ERROR the username must not be empty"),
        (b"CONNECT ann\n", "ERROR the username ann is taken"),
        (
            b"CONNECT \xff\xfe\n",
            "ERROR line is not valid UTF-8; disconnecting",
        ),
    ];
    for (input, answer) in cases {
        let mut client = Client::connect(server.port);
        client.send(input);
        client.expect(answer);
        assert_eq!(client.line(), None, "closed after {answer:?}");
    }
    // After CONNECT: an over-long line, then invalid UTF-8.
    let (mut long, _) = Client::join(server.port, "long");
    long.send(format!("{}\n", "y".repeat(5000)));
    long.until("ERROR line longer than 1024 bytes; disconnecting");
    let (mut bad, _) = Client::join(server.port, "bad");
    bad.send(b"ok\n\xc3\x28\n");
    bad.expect("bad: ok");
    bad.until("ERROR line is not valid UTF-8; disconnecting");
    assert_eq!(bad.line(), None);
    // Still serving, and the names are free again.
    let (_again, welcome) = Client::join(server.port, "long");
    assert_eq!(welcome, "Welcome! 2 user(s) are online!");
}

#[test]
fn an_idle_client_is_disconnected() {
    let server = crate::common::start(&["8.13", "--idle-timeout", "1"]);
    let (mut sleepy, _) = Client::join(server.port, "sleepy");
    sleepy.expect("Disconnected: idle for 1 second(s)");
    assert_eq!(sleepy.line(), None);
}

#[test]
fn the_scripted_client_sends_lines_and_prints_what_arrives() {
    let server = crate::common::start(&["8.13"]);
    let (mut watcher, _) = Client::join(server.port, "watcher");
    let port = server.port.to_string();
    let run = run_bin(
        BIN,
        &[
            "8.14",
            "--port",
            &port,
            "--username",
            "ann",
            "--script",
            "hi|bye now",
        ],
        "",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.lines(),
        [
            "Welcome! 2 user(s) are online!",
            "ann connected!",
            "ann: hi",
            "ann: bye now"
        ]
    );
    watcher.expect("ann connected!");
    watcher.expect("ann: hi");
    watcher.expect("ann: bye now");
    watcher.expect("ann has left the chat");

    let run = run_bin(
        BIN,
        &[
            "8.14",
            "--port",
            &port,
            "--username",
            "watcher",
            "--script",
            "x",
        ],
        "",
    );
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("the username watcher is taken"),
        "{}",
        run.stderr
    );

    let run = run_bin(BIN, &["8.14", "--demo"], "");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("rustacean: is anyone here?"));
}

#[test]
fn the_chat_server_rides_out_running_out_of_file_descriptors() {
    // Before, the first EMFILE ended the server and every chat with it.
    let mut server = test_harness::ServerChild::start_with_fd_limit(BIN, 64, &["8.13"]);
    let (mut alice, _) = Client::join(server.port, "alice");
    let mut held = test_harness::connect_many(server.address(), 90);
    server.wait_for("accept failed: Too many open files");
    let (mut bob, _) = {
        // Bob waits in the queue until descriptors are free again.
        held.truncate(10);
        Client::join(server.port, "bob")
    };
    alice.until("bob connected!");
    bob.send("still chatting\n");
    alice.expect("bob: still chatting");
    assert_eq!(server.count("accept failed"), 1, "{}", server.output());
}

#[test]
fn silent_and_partial_clients_hold_up_nobody_and_ctrl_c_ends_the_chat_server() {
    let mut server = crate::common::start(&["8.13"]);
    let _silent = Client::connect(server.port);
    let mut partial = Client::connect(server.port);
    partial.send("CONNECT half"); // no newline: a partial first line
    let (mut alice, _) = Client::join(server.port, "alice");
    let (mut bob, _) = Client::join(server.port, "bob");
    alice.until("bob connected!");
    bob.send("over the silence\n");
    alice.expect("bob: over the silence");
    let signalled = std::time::Instant::now();
    server.signal(test_harness::Signal::SIGINT);
    server.wait_exit(std::time::Duration::from_secs(10));
    assert!(signalled.elapsed() < std::time::Duration::from_secs(5));
}
