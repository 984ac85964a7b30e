//! Smoke tests of the full-screen apps in a real pseudo-terminal: each
//! runs inside a detached tmux session on a private tmux socket
//! (test-harness's [`Tmux`]), keys go in with `send-keys`, the screen comes
//! back with `capture-pane`. After the app quits, the shell prints its exit
//! code and `stty -a`, so the test sees that raw mode and the alternate
//! screen were left. Where tmux is not installed they are reported
//! ignored, except under CI, where they fail.

use test_harness::tmux::{self, Signal, Tmux, last_row};

use crate::common::{BIN, Client};

/// Starts `app` in a 100x30 session, reporting its exit.
fn start(test: &str, app: &str) -> Tmux {
    Tmux::start(
        &format!("chapter08-{test}"),
        (100, 30),
        &tmux::then_report_exit(app),
    )
}

/// After the app quits: exit 0, cooked mode, the app's screen gone.
fn assert_restored(tmux: &Tmux, app_text: &str) {
    // Wait for stty's local-mode flags too: they come a moment after
    // the exit code, and `icanon` is among them whether on or off.
    let screen = tmux.wait("the exit code and stty -a", |s| {
        s.contains("EXITED") && s.contains("icanon")
    });
    assert!(screen.contains("EXITED 0"), "{screen}");
    assert!(
        screen.contains(" icanon") && !screen.contains("-icanon"),
        "raw mode left on:\n{screen}"
    );
    assert!(
        !screen.contains(app_text),
        "the alternate screen was not left:\n{screen}"
    );
}

#[test]
#[cfg_attr(not(has_tmux), ignore = "tmux not found: apt install tmux")]
fn the_delay_console_keeps_typing_while_delays_finish() {
    let tmux = start("delay", &format!("{BIN} 8.10"));
    tmux.wait_for("Type a number of seconds");
    tmux.keys(&["1", "2", "BSpace"]);
    tmux.wait("> 1 on the input line", |s| last_row(s) == "> 1");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Starting delay 1");
    tmux.keys(&["a", "b", "c"]);
    let screen = tmux.wait_for("Finished delay 1");
    tmux.wait("the typed text kept", |s| last_row(s) == "> abc");
    assert!(screen.find("Starting delay 1") < screen.find("Finished delay 1"));
    tmux.keys(&["C-c"]);
    assert_restored(&tmux, "Finished delay 1");
}

#[test]
#[cfg_attr(not(has_tmux), ignore = "tmux not found: apt install tmux")]
fn a_sigint_from_outside_restores_the_terminal_too() {
    // In raw mode Ctrl-C is a key; a SIGINT sent with `kill` must also end
    // the app through its guard, not leave the terminal raw.
    for (test, id, ready) in [
        ("sigint-console", "8.10", "Type a number of seconds"),
        ("sigint-keys", "8.8", "type lines"),
    ] {
        let tmux = start(test, &format!("{BIN} {id}"));
        tmux.wait_for(ready);
        tmux.signal_app(Signal::SIGINT);
        assert_restored(&tmux, if id == "8.10" { ready } else { "no such text" });
    }
}

#[test]
#[cfg_attr(not(has_tmux), ignore = "tmux not found: apt install tmux")]
#[cfg_attr(
    all(has_tmux, not(has_postgres)),
    ignore = "PostgreSQL not found: apt install postgresql"
)]
fn the_query_console_runs_sql_on_the_demo_database() {
    let tmux = start("query", &format!("{BIN} 8.11"));
    // The demo database starts and loads the products first.
    tmux.wait_for("Connected: a pool of 6");
    tmux.keys(&[
        "SELECT product_id FROM product WHERE product_id <= 5",
        "Enter",
    ]);
    tmux.wait_for("Fetched 5 rows from: SELECT product_id FROM product WHERE product_id <= 5");
    // A query that fails is a message, and the console goes on.
    tmux.keys(&["SELEC 1", "Enter"]);
    tmux.wait_for("Got exception syntax error at or near \"SELEC\" from: SELEC 1");
    tmux.keys(&["SELECT count(*) FROM sku", "Enter"]);
    let screen = tmux.wait_for("Fetched 1 rows from: SELECT count(*) FROM sku");
    assert_eq!(last_row(&screen), "query>");
    tmux.keys(&["C-d"]);
    assert_restored(&tmux, "Fetched 5 rows");
}

#[test]
#[cfg_attr(not(has_tmux), ignore = "tmux not found: apt install tmux")]
fn the_chat_client_asks_for_a_name_then_chats() {
    let server = crate::common::start(&["8.13"]);
    let command = format!("{BIN} 8.14 --port {}", server.port);
    let tmux = start("chat", &command);
    tmux.wait_for("Enter username:");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the username must not be empty");
    tmux.keys(&["ann", "Enter"]);
    tmux.wait_for("Welcome! 1 user(s) are online!");
    tmux.wait_for("ann connected!");
    let mut bob = Client::connect(server.port);
    bob.send("CONNECT bob\n");
    tmux.wait_for("bob connected!");
    tmux.keys(&["hello bob", "Enter"]);
    tmux.wait_for("ann: hello bob");
    bob.until("ann: hello bob");
    bob.send("hi ann\n");
    let screen = tmux.wait_for("bob: hi ann");
    assert_eq!(last_row(&screen), "ann>");
    tmux.keys(&["C-c"]);
    assert_restored(&tmux, "bob: hi ann");
    bob.until("ann has left the chat");
}
