//! Listing 6.10 — A shared value and a shared array between processes.
//!
//! The book's `Value('i', 0)` and `Array('i', [0, 0])` become three atomics
//! in a shared mapping (src/shared.rs): slot 0 is the value, slots 1–2 the
//! array. One child process increments the value, the other the array; each
//! touches only its own data, so the result is always 1 and [1, 1].
//!
//! Run: cargo run -p chapter06 -- 6.10

use std::sync::atomic::Ordering::SeqCst;

use shared_util::Ctx;
use shared_util::ctx::worker_command;

use crate::process::ChildProcess;
use crate::shared::SharedMemory;

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let shared = SharedMemory::create(3)?;

    let procs = [
        ChildProcess::spawn(worker_command("increment-value").arg(shared.path()))?,
        ChildProcess::spawn(worker_command("increment-array").arg(shared.path()))?,
    ];
    for process in procs {
        process.join()?;
    }

    let slots = shared.slots();
    println!("{}", slots[0].load(SeqCst));
    println!("{:?}", [slots[1].load(SeqCst), slots[2].load(SeqCst)]);
    Ok(())
}
