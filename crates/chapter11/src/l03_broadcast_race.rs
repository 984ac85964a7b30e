//! Listing 11.3 — A disconnect during a broadcast: a send to a closed socket.
//!
//! The broadcast picks its recipients, then awaits; while it is suspended a
//! disconnect closes Eric's socket, so the send to Eric fails. One thread, no
//! data race, still a bug: the state the broadcast relied on changed across
//! an await. Tasks share the roster as `Rc<RefCell<..>>` on a `LocalSet`,
//! and a `Vec` keeps Python's dict order. Where the book's gather raises and
//! stops the program, each failed send is printed and the run ends normally.
//!
//! Run: cargo run -p chapter11 -- 11.3

use std::cell::RefCell;
use std::rc::Rc;

use shared_util::Ctx;
use tokio::task::{LocalSet, spawn_local};

use crate::mock_socket::{MockSocket, USERS};

/// Who is connected, by user name, in the order they joined.
type Users = Rc<RefCell<Vec<(String, Rc<MockSocket>)>>>;

async fn user_disconnect(users: Users, username: &str) {
    println!("{username} disconnected!");
    let mut users = users.borrow_mut();
    if let Some(index) = users.iter().position(|(name, _)| name == username) {
        let (_, socket) = users.remove(index);
        socket.close();
    }
}

/// Sends a greeting to every user; returns how many sends failed.
async fn message_all_users(users: Users) -> anyhow::Result<usize> {
    println!("Creating message tasks");
    let sends: Vec<_> = users
        .borrow()
        .iter()
        .map(|(user, socket)| {
            let (user, socket) = (user.clone(), socket.clone());
            spawn_local(async move {
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
}

pub async fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    LocalSet::new()
        .run_until(async {
            let users: Users = Rc::new(RefCell::new(
                USERS
                    .iter()
                    .map(|name| (name.to_string(), Rc::new(MockSocket::default())))
                    .collect(),
            ));
            let broadcast = spawn_local(message_all_users(users.clone()));
            let disconnect = spawn_local(async move { user_disconnect(users, "Eric").await });
            disconnect.await?;
            let failed = broadcast.await??;
            println!("{failed} send(s) failed");
            Ok(())
        })
        .await
}
