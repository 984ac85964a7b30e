//! The websocket counter (9.9) and its page (9.10), driven by Rust
//! websocket clients (tokio-tungstenite) over real TCP.

use std::time::Duration;

use crate::common::{BIN, get};
use futures::{SinkExt as _, StreamExt as _};
use test_harness::{ServerChild, Signal};
use tokio_tungstenite::tungstenite::Message;

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
