//! Listing 3.9 — Catching SIGINT and cancelling the running tasks.
//!
//! asyncio's `add_signal_handler` runs a callback on the loop; Tokio turns
//! a signal into a future (`tokio::signal`) that a task awaits. Tokio has
//! no `all_tasks()`: the tasks to cancel are the ones we kept in a
//! `JoinSet`, and `abort_all` cancels them at their next await. SIGTERM
//! (what `kill` and service managers send) is handled the same way.
//! Without `--demo`, press Ctrl-C within 10 s; `--demo` sends itself SIGINT.
//!
//! Run: cargo run -p chapter03 -- 3.9

use shared_util::{Ctx, delay};
use tokio::signal::unix::{SignalKind, signal};
use tokio::task::JoinSet;

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    // This listing handles the two signals until it returns (inside `all`,
    // the next listing gets Ctrl-C's default action back).
    let _handling = shared_util::signals::handle();
    // Registered before anything else, so an early Ctrl-C is not lost.
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;

    let mut tasks = JoinSet::new();
    for seconds in [10, 10, 10] {
        tasks.spawn(delay(seconds));
    }
    if ctx.flags.demo {
        tokio::spawn(async {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            println!("(demo: sending ourselves SIGINT, as Ctrl-C would)");
            let _ = shared_util::signals::raise_own(nix::sys::signal::Signal::SIGINT);
        });
    } else {
        println!("press Ctrl-C (or send SIGTERM) within 10 seconds");
    }

    let name = tokio::select! {
        _ = interrupt.recv() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
        () = async { while tasks.join_next().await.is_some() {} } => {
            println!("no signal came: every task finished on its own");
            return Ok(());
        }
    };
    println!("Got a {name}!");
    println!("Cancelling {} task(s).", tasks.len());
    tasks.abort_all();
    let mut cancelled = 0;
    while let Some(outcome) = tasks.join_next().await {
        if outcome.is_err_and(|e| e.is_cancelled()) {
            cancelled += 1;
        }
    }
    println!("{cancelled} task(s) were cancelled");
    Ok(())
}
