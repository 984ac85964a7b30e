//! Chapter 13 — Managing subprocesses, on Tokio.
//!
//! `tokio::process` in place of asyncio's subprocess API: starting `ls`
//! and `sleep`, a timeout that terminates with SIGTERM, reading a child's
//! output as it comes, the full-pipe deadlock and how reading while waiting
//! avoids it, a hundred and a thousand `gpg` children (the second time
//! limited by a semaphore), and talking to interactive children through
//! their stdin. Run `cargo run -p chapter13 -- list` to see the listings.
//!
//! The children the book writes in Python are this binary itself, run as
//! `chapter13 __worker NAME` (see `CHAPTER.workers`). Every child is
//! spawned with `kill_on_drop(true)` and reaped, on Ctrl-C too.

mod child;
mod encrypt;
mod l01_ls;
mod l02_sleep_timeout;
mod l03_prefixed_output;
mod l04_million_lines;
mod l05_pipe_deadlock;
mod l06_communicate;
mod l07_encrypt_all;
mod l08_encrypt_limited;
mod l09_username;
mod l10_communicate_username;
mod l11_echo;
mod l12_naive_echo_client;
mod l13_echo_with_pauses;
mod l14_prompt_driven;

use runner::Flag;
use runner::listing;
use runner::{Chapter, ChapterOptions, Worker};

/// The chapter's listings, in the book's order, and the child programs
/// this binary can become.
#[rustfmt::skip]
pub static CHAPTER: Chapter = Chapter {
    number: 13,
    title: "Managing subprocesses",
    listings: &[
        listing!("13.1", l01_ls, "Running `ls -l`: pid, output, status 0"),
        listing!("13.2", l02_sleep_timeout, "`sleep 3` with a 1 s timeout, then SIGTERM: status -15"),
        listing!("13.3", l03_prefixed_output, "Each line of `ls -la` printed with a prefix as it arrives"),
        listing!("13.4", l04_million_lines, "A child that writes a million lines"),
        listing!("13.5", l05_pipe_deadlock, "Waiting on it with a pipe nobody reads: the deadlock, detected"),
        listing!("13.6", l06_communicate, "Reading everything while waiting: no deadlock"),
        listing!("13.7", l07_encrypt_all, "100 children encrypting text at once, timed").takes(&[Flag::Requests]),
        listing!("13.8", l08_encrypt_limited, "1000 children, at most one per core (a semaphore), timed").takes(&[Flag::Requests, Flag::Limit]),
        listing!("13.9", l09_username, "A child that asks for a username").interactive(),
        listing!("13.10", l10_communicate_username, "Answering it through stdin, communicate-style"),
        listing!("13.11", l11_echo, "An interactive echo child").interactive(),
        listing!("13.12", l12_naive_echo_client, "Writing to it without waiting for the prompt"),
        listing!("13.13", l13_echo_with_pauses, "An echo child with random pauses breaks that").takes(&[Flag::Scale]),
        listing!("13.14", l14_prompt_driven, "Writing each line only after the prompt, then quit").takes(&[Flag::Scale]),
    ],
    sets: &[],
    workers: &[
        Worker { name: "million-lines", run: l04_million_lines::worker },
        Worker { name: "encrypt", run: encrypt::worker },
        Worker { name: "username", run: l09_username::worker },
        Worker { name: "echo", run: l11_echo::worker },
        Worker { name: "echo-pauses", run: l13_echo_with_pauses::worker },
    ],
    tools: &[],
    options: ChapterOptions::NONE,
};
