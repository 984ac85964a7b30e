//! Listing 11.5 — A lock (in a static) held across the broadcast fixes 11.3.
//!
//! The broadcast holds the lock until every send is done, so the disconnect
//! waits in line and nothing is sent to a closed socket. The roster lives
//! *inside* the `tokio::sync::Mutex`, so no code can touch it unlocked. The
//! mutex is a `static`: the book's "attached to a different loop" error has
//! no counterpart, because Tokio's locks belong to no runtime: waiting is a
//! waker in a queue, and any runtime (or several) can use the same lock.
//!
//! Run: cargo run -p chapter11 -- 11.5

use std::sync::Arc;

use shared_util::Ctx;
use tokio::sync::{Mutex, oneshot};

use crate::mock_socket::{MockSocket, USERS};

/// Who is connected, by user name; built before any runtime exists.
static USER_SOCKETS: Mutex<Vec<(String, Arc<MockSocket>)>> = Mutex::const_new(Vec::new());

async fn user_disconnect(username: &str) {
    println!("{username} disconnected!");
    let mut users = USER_SOCKETS.lock().await;
    println!("Removing {username} from the user list");
    if let Some(index) = users.iter().position(|(name, _)| name == username) {
        let (_, socket) = users.remove(index);
        socket.close();
    }
}

/// Sends a greeting to every user, holding the lock throughout; returns how
/// many sends failed. `locked` is told once the lock is held.
async fn message_all_users(locked: oneshot::Sender<()>) -> anyhow::Result<usize> {
    println!("Creating message tasks");
    let users = USER_SOCKETS.lock().await;
    let _ = locked.send(());
    // Let the disconnect run up to the lock first, as it does in the book.
    tokio::task::yield_now().await;
    let sends: Vec<_> = users
        .iter()
        .map(|(user, socket)| {
            let (user, socket) = (user.clone(), socket.clone());
            tokio::spawn(async move {
                let result = socket.send(&format!("Hello {user}")).await;
                if let Err(error) = &result {
                    println!("Sending to {user} failed: {error}");
                }
                result.is_err()
            })
        })
        .collect();
    let mut failed = 0;
    for send in sends {
        failed += usize::from(send.await?);
    }
    Ok(failed)
    // `users` is dropped here: only now may the disconnect go ahead.
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    *USER_SOCKETS.lock().await = USERS
        .iter()
        .map(|name| (name.to_string(), Arc::new(MockSocket::default())))
        .collect();
    // As in the book, the disconnect arrives while the broadcast is under
    // way. asyncio runs the two in the order they were created; on Tokio's
    // multi-thread runtime either could take the lock first, so the
    // disconnect starts once the broadcast holds it.
    let (locked, holding) = oneshot::channel();
    let broadcast = tokio::spawn(message_all_users(locked));
    holding.await?;
    let disconnect = tokio::spawn(user_disconnect("Eric"));
    disconnect.await?;
    let failed = broadcast.await??;
    println!("{failed} send(s) failed");
    Ok(())
}
