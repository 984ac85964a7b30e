//! Listing 9.9 — A websocket endpoint, `/counter`, that tells every
//! connected client how many are online, each time one joins or leaves.
//!
//! Starlette's `WebSocketEndpoint` with its class-level `sockets` list
//! becomes a map of each client's sending half behind a Tokio `Mutex`,
//! shared through axum's `State`. As in the book, the count goes to every
//! client at once (`join_all`, the book's `asyncio.wait`), and a client
//! whose send fails is dropped. Unlike the book, a send that takes longer
//! than a second counts as failed, so one stuck client cannot stall the
//! rest; at shutdown every client gets a close frame; and a message over
//! [`MAX_MESSAGE`] (the counter reads none) ends that client's connection
//! with close code 1009, Message Too Big.
//!
//! Run: cargo run -p chapter09 -- 9.9 --demo   (or without --demo, then a
//! websocket client such as `websocat ws://127.0.0.1:8080/counter`)

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::response::Response;
use axum::routing::get;
use futures::stream::SplitSink;
use futures::{Sink, SinkExt as _, StreamExt as _};
use shared_util::Ctx;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError};
use tokio_util::sync::CancellationToken;

use crate::serving::serve_with;

/// How long one send may take before the client counts as gone.
const SEND_BOUND: Duration = Duration::from_secs(1);

/// The largest message (and frame) a client may send. The counter ignores
/// what clients say, so this is small; axum's default is 64 MiB.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// The connected clients, the book's `UserCounter.sockets`.
#[derive(Default)]
pub struct UserCounter {
    /// Each client's sending half, by the number it was given.
    sockets: Mutex<HashMap<u64, SplitSink<WebSocket, Message>>>,
    /// The next client's number, for the log.
    next_id: AtomicU64,
}

/// What the websocket handler needs: the clients and the shutdown signal.
#[derive(Clone)]
pub struct CounterState {
    /// Shared by every connection.
    pub counter: Arc<UserCounter>,
    /// Cancelled when the server stops: connections close then.
    pub shutdown: CancellationToken,
}

/// `GET /counter`: upgrade to a websocket and count the client in.
pub async fn counter(ws: WebSocketUpgrade, State(state): State<CounterState>) -> Response {
    ws.max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| connection(state, socket))
}

/// How a connection ended, and so what the server says as it goes.
enum Leaving {
    /// The client closed or vanished: nothing to say.
    Left,
    /// The server is stopping: a close frame.
    Shutdown,
    /// The client sent a message of this many bytes, over [`MAX_MESSAGE`].
    /// tungstenite refuses it and stops reading, but sends nothing: the
    /// close frame with 1009 is ours to send.
    TooBig(usize),
}

async fn connection(state: CounterState, socket: WebSocket) {
    let counter = &state.counter;
    let id = counter.next_id.fetch_add(1, Ordering::SeqCst) + 1;
    let (sender, mut receiver) = socket.split();
    {
        // on_connect
        let mut sockets = counter.sockets.lock().await;
        sockets.insert(id, sender);
        println!("client {id} connected: {} online", sockets.len());
        send_count(&mut sockets).await;
    }
    // on_receive: what a client says is ignored; wait until it leaves.
    let leaving = loop {
        tokio::select! {
            message = receiver.next() => match message {
                Some(Ok(Message::Close(_))) | None => break Leaving::Left,
                Some(Err(error)) => break too_big(error).map_or(Leaving::Left, Leaving::TooBig),
                Some(Ok(_)) => {}
            },
            () = state.shutdown.cancelled() => break Leaving::Shutdown,
        }
    };
    // on_disconnect
    let sender = counter.sockets.lock().await.remove(&id);
    let close = match leaving {
        Leaving::Left => None,
        Leaving::Shutdown => Some(None),
        Leaving::TooBig(size) => {
            println!("client {id} sent {size} bytes, over {MAX_MESSAGE}: closing with 1009");
            let reason = "message too big".into();
            Some(Some(CloseFrame {
                code: close_code::SIZE,
                reason,
            }))
        }
    };
    if let (Some(mut sender), Some(frame)) = (sender, close) {
        let _ = tokio::time::timeout(SEND_BOUND, sender.send(Message::Close(frame))).await;
    }
    let mut sockets = counter.sockets.lock().await;
    println!("client {id} disconnected: {} online", sockets.len());
    send_count(&mut sockets).await;
}

/// The size of a message over the limit, if that is what `error` says.
fn too_big(error: axum::Error) -> Option<usize> {
    match error.into_inner().downcast_ref::<WsError>()? {
        WsError::Capacity(CapacityError::MessageTooLong { size, .. }) => Some(*size),
        _ => None,
    }
}

/// Sends the number online to every client at once; drops those whose
/// send fails (the book's `_send_count`).
pub async fn send_count<S>(sockets: &mut HashMap<u64, S>)
where
    S: Sink<Message> + Unpin,
{
    if sockets.is_empty() {
        return;
    }
    let count = sockets.len().to_string();
    let sends = sockets.iter_mut().map(|(id, socket)| {
        let message = Message::Text(count.clone().into());
        async move {
            let sent = tokio::time::timeout(SEND_BOUND, socket.send(message)).await;
            (*id, matches!(sent, Ok(Ok(()))))
        }
    });
    let outcomes = futures::future::join_all(sends).await;
    for (id, sent) in outcomes {
        if !sent {
            sockets.remove(&id);
            println!("client {id}: the send failed, dropped");
        }
    }
}

/// The counter's routes, with `state`.
pub fn app(state: CounterState) -> axum::Router {
    axum::Router::new()
        .route("/counter", get(counter))
        .with_state(state)
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    let state = CounterState {
        counter: Arc::default(),
        shutdown: shutdown.clone(),
    };
    serve_with(ctx, app(state), &[], shutdown, demo).await
}

/// The scripted clients: three join, one leaves with a close frame, one
/// vanishes without one; each prints the counts it is told.
pub async fn demo(address: SocketAddr) -> anyhow::Result<()> {
    let url = format!("ws://{address}/counter");
    let mut clients = Vec::new();
    for name in ["A", "B", "C"] {
        clients.push((name, Client::connect(&url).await?));
        for (name, client) in &mut clients {
            client.expect(name).await?;
        }
    }
    let (_, mut c) = clients.pop().expect("three clients");
    c.close().await?;
    for (name, client) in &mut clients {
        client.expect(name).await?;
    }
    let (_, b) = clients.pop().expect("two clients");
    drop(b); // gone without a close frame: the server sees the connection end
    let (name, a) = &mut clients[0];
    a.expect(name).await?;
    Ok(())
}

/// A websocket client of the demo (tokio-tungstenite).
pub struct Client {
    stream: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Client {
    /// Connects to `url`.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let (stream, _) = tokio_tungstenite::connect_async(url).await?;
        Ok(Self { stream })
    }

    /// The next count the server sends (bounded wait).
    pub async fn next_count(&mut self) -> anyhow::Result<String> {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(10), self.stream.next())
                .await
                .map_err(|_| anyhow::anyhow!("no count within 10 s"))?
                .ok_or_else(|| anyhow::anyhow!("the server closed the websocket"))??;
            if let tokio_tungstenite::tungstenite::Message::Text(text) = message {
                return Ok(text.to_string());
            }
        }
    }

    /// Reads the next count and prints it as client `name`'s.
    async fn expect(&mut self, name: &str) -> anyhow::Result<()> {
        let count = self.next_count().await?;
        println!("client {name} is told: {count} online");
        Ok(())
    }

    /// Closes with a close frame, as a browser tab does.
    pub async fn close(&mut self) -> anyhow::Result<()> {
        self.stream.close(None).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_client_whose_send_fails_is_dropped() {
        let (alive, mut alive_rx) = futures::channel::mpsc::unbounded::<Message>();
        let (gone, gone_rx) = futures::channel::mpsc::unbounded::<Message>();
        drop(gone_rx); // sends to it now fail
        let mut sockets = HashMap::from([(1, alive), (2, gone)]);
        send_count(&mut sockets).await;
        assert_eq!(sockets.keys().collect::<Vec<_>>(), [&1]);
        assert_eq!(alive_rx.next().await, Some(Message::Text("2".into())));
    }
}
