//! The websocket counter (9.9) and its page (9.10), driven by Rust
//! websocket clients (tokio-tungstenite) over real TCP.

use std::time::Duration;

use crate::common::{BIN, get};
use futures::{SinkExt as _, StreamExt as _};
use test_harness::{ServerChild, Signal};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn join(port: u16) -> Socket {
    let url = format!("ws://127.0.0.1:{port}/counter");
    tokio_tungstenite::connect_async(&url)
        .await
        .expect("the websocket opens")
        .0
}

/// The next text message, within 10 s; `None` when the server closed.
async fn next_text(socket: &mut Socket) -> Option<String> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s");
        match message {
            Some(Ok(Message::Text(text))) => return Some(text.to_string()),
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

#[test]
fn every_client_is_told_the_count_on_each_join_and_leave() {
    let mut server = ServerChild::start(BIN, &["9.9"]);
    let port = server.port;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut a = runtime.block_on(async {
        let mut a = join(port).await;
        assert_eq!(next_text(&mut a).await.as_deref(), Some("1"));
        let mut b = join(port).await;
        assert_eq!(next_text(&mut a).await.as_deref(), Some("2"));
        assert_eq!(next_text(&mut b).await.as_deref(), Some("2"));
        let mut c = join(port).await;
        for socket in [&mut a, &mut b, &mut c] {
            assert_eq!(next_text(socket).await.as_deref(), Some("3"));
        }
        // What a client says is ignored.
        a.send(Message::text("hello")).await.unwrap();
        c.close(None).await.unwrap();
        assert_eq!(next_text(&mut a).await.as_deref(), Some("2"));
        assert_eq!(next_text(&mut b).await.as_deref(), Some("2"));
        drop(b); // no close frame: the connection just ends
        assert_eq!(next_text(&mut a).await.as_deref(), Some("1"));
        a
    });
    server.wait_for("client 3 disconnected: 2 online");
    server.wait_for("client 2 disconnected: 1 online");
    // At shutdown the last client gets a close frame.
    server.signal(Signal::SIGINT);
    assert_eq!(runtime.block_on(next_text(&mut a)), None);
    assert_eq!(
        server.wait_exit(Duration::from_secs(30)),
        Some(0),
        "{}",
        server.stderr()
    );
    assert!(server.output().contains("client 1 disconnected: 0 online"));
}

/// The close code of the next message, which must be a close frame
/// (counts sent before it are passed over), within 10 s.
async fn close_code(socket: &mut Socket) -> Option<u16> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s");
        match message {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| f.code.into()),
            Some(Ok(Message::Text(_))) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

#[test]
fn a_message_over_the_limit_is_closed_with_1009_and_counted_out() {
    let mut server = ServerChild::start(BIN, &["9.9"]);
    let port = server.port;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut a = join(port).await;
        assert_eq!(next_text(&mut a).await.as_deref(), Some("1"));
        // One frame of 1 MiB: refused as soon as its header is read.
        let mut big = join(port).await;
        assert_eq!(next_text(&mut a).await.as_deref(), Some("2"));
        let _ = big.send(Message::binary(vec![b'x'; 1 << 20])).await;
        assert_eq!(close_code(&mut big).await, Some(1009));
        assert_eq!(next_text(&mut a).await.as_deref(), Some("1"));
        // Two frames of 40 KiB, each under the limit, one message over it.
        let mut pieces = join(port).await;
        assert_eq!(next_text(&mut a).await.as_deref(), Some("2"));
        let piece = vec![b'y'; 40 * 1024];
        let first = Frame::message(piece.clone(), OpCode::Data(Data::Binary), false);
        let _ = pieces.send(Message::Frame(first)).await;
        let rest = Frame::message(piece, OpCode::Data(Data::Continue), true);
        let _ = pieces.send(Message::Frame(rest)).await;
        assert_eq!(close_code(&mut pieces).await, Some(1009));
        assert_eq!(next_text(&mut a).await.as_deref(), Some("1"));
    });
    server.wait_for("client 2 sent 1048576 bytes, over 65536: closing with 1009");
    server.wait_for("client 3 sent 81920 bytes, over 65536: closing with 1009");
    server.signal(Signal::SIGINT);
    assert_eq!(server.wait_exit(Duration::from_secs(30)), Some(0));
}

#[test]
fn the_page_is_served_at_the_root_and_counts_over_the_same_app() {
    let mut server = ServerChild::start(BIN, &["9.10"]);
    let (status, page) = get(server.port, "/");
    assert_eq!(status, 200);
    assert!(page.contains(r#"<span id="counter"></span>"#), "{page}");
    assert!(
        page.contains("new WebSocket(`ws://${location.host}/counter`)"),
        "{page}"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut tab = join(server.port).await;
        assert_eq!(next_text(&mut tab).await.as_deref(), Some("1"));
    });
    server.signal(Signal::SIGINT);
    assert_eq!(server.wait_exit(Duration::from_secs(30)), Some(0));
}

#[test]
fn the_demos_show_the_counts_in_order() {
    let run = test_harness::run_ok(BIN, &["9.9", "--demo"]);
    let told: Vec<&str> = run
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("client ") && l.contains(" is told: "))
        .collect();
    assert_eq!(
        told,
        [
            "client A is told: 1 online",
            "client A is told: 2 online",
            "client B is told: 2 online",
            "client A is told: 3 online",
            "client B is told: 3 online",
            "client C is told: 3 online",
            "client A is told: 2 online",
            "client B is told: 2 online",
            "client A is told: 1 online",
        ]
    );
    let run = test_harness::run_ok(BIN, &["9.10", "--demo"]);
    let tabs: Vec<&str> = run
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("tab "))
        .collect();
    assert_eq!(
        tabs,
        [
            "tab 1 shows: Users online: 1",
            "tab 1 shows: Users online: 2",
            "tab 2 shows: Users online: 2",
            "tab 1 shows: Users online: 1",
        ]
    );
}
