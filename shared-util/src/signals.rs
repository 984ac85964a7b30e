//! SIGINT and SIGTERM handled for one listing at a time, and temporary
//! files that a signal must not leave behind.
//!
//! A handler for SIGINT, once installed, stays for the life of the process:
//! Tokio (through `signal-hook-registry`) never gives the default action
//! back. In a single run that is harmless, the process ends with the
//! listing; inside `all` every later listing would swallow Ctrl-C. So a
//! listing that handles a signal says so for as long as it does:
//!
//! ```no_run
//! # async fn listing() -> anyhow::Result<()> {
//! let _handling = shared_util::signals::handle(); // before tokio's `signal()`
//! let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
//! interrupt.recv().await;
//! # Ok(()) }
//! ```
//!
//! While no [`Handling`] guard is alive, SIGINT and SIGTERM get their
//! default action again — decided inside the signal handler, so a guard
//! dropped right after its listing saw the signal cannot race with it. A
//! path given to [`remove_on_signal`] is removed first, and a note given to
//! [`note_on_signal`] printed, then the default action ends the process. The runner asks [`take_user_signal`] after each
//! listing of `all`, so Ctrl-C that a listing handled still stops the run;
//! a demo that signals itself uses [`raise_own`], which does not count.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use nix::sys::signal::Signal;

/// The two signals that end a run: Ctrl-C and `kill`.
const ENDING: [Signal; 2] = [Signal::SIGINT, Signal::SIGTERM];

#[derive(Default)]
struct State {
    /// Live [`Handling`] guards of the current generation.
    handlers: usize,
    /// Bumped by [`end_of_listing`]: guards of older generations no longer count.
    generation: u64,
    /// Paths to remove before a signal ends the process, by id.
    temporary: Vec<(u64, PathBuf)>,
    /// Lines to print on stderr before a signal ends the process, by id.
    notes: Vec<(u64, String)>,
    next_temporary: u64,
}

struct Shared {
    state: Mutex<State>,
    /// True when nobody handles the signal and nothing needs removing: the
    /// signal handler itself then runs the default action.
    default_now: Arc<AtomicBool>,
    /// The last SIGINT/SIGTERM number delivered, 0 for none since asked.
    last: Arc<AtomicUsize>,
    /// The last SIGINT/SIGTERM a listing handled (it came while one did),
    /// 0 for none since asked: what [`take_user_signal`] reports. A signal
    /// nobody handled is the cleanup thread's, which ends the process.
    handled: AtomicUsize,
    /// Signals [`raise_own`] sent that the cleanup thread has yet to see:
    /// it reads deliveries after the fact, when the listing that handled
    /// its own signal may be gone, and must not end the run for them.
    own_unseen: AtomicUsize,
    /// Set by the signal handler at each delivery; taken by the cleanup
    /// thread when it gets to that delivery, or earlier by a listing that
    /// stops handling signals (see [`release`]): a delivery a listing
    /// handled is then not taken for one that nobody did.
    delivered: Arc<AtomicBool>,
}

static SHARED: OnceLock<Shared> = OnceLock::new();

/// The state, installing the handlers on first use. Only [`handle`] and
/// [`remove_on_signal`] install them: a process whose listings never ask
/// keeps the signal dispositions it had (chapter 8's terminal listings
/// still handle SIGINT with Tokio alone).
fn shared() -> &'static Shared {
    SHARED.get_or_init(|| {
        let shared = Shared {
            state: Mutex::new(State::default()),
            default_now: Arc::new(AtomicBool::new(true)),
            last: Arc::new(AtomicUsize::new(0)),
            handled: AtomicUsize::new(0),
            own_unseen: AtomicUsize::new(0),
            delivered: Arc::new(AtomicBool::new(false)),
        };
        for signal in ENDING {
            let number = signal as i32;
            // Registration fails only for signals the OS forbids, not these.
            let _ = signal_hook::flag::register_usize(
                number,
                Arc::clone(&shared.last),
                number as usize,
            );
            // Registered before the iterator below, so set before it wakes.
            let _ = signal_hook::flag::register(number, Arc::clone(&shared.delivered));
            let _ = signal_hook::flag::register_conditional_default(
                number,
                Arc::clone(&shared.default_now),
            );
        }
        // Removing files is no work for a signal handler: this thread gets
        // every delivery and does it when a path is registered.
        if let Ok(mut signals) = signal_hook::iterator::Signals::new(ENDING.map(|s| s as i32)) {
            let _ = std::thread::Builder::new()
                .name("signal-cleanup".into())
                .spawn(move || {
                    for number in signals.forever() {
                        cleanup_then_default(number);
                    }
                });
        }
        shared
    })
}

fn lock() -> MutexGuard<'static, State> {
    shared().state.lock().unwrap_or_else(|e| e.into_inner())
}

/// Recomputes what the signal handler does now.
fn settle(state: &State) {
    let default = state.handlers == 0 && state.temporary.is_empty() && state.notes.is_empty();
    shared().default_now.store(default, Ordering::SeqCst);
}

/// The cleanup thread's turn for a delivery it reads some time after it
/// came. Whether a listing handled it is decided by the state when it came,
/// not now: a listing that handled Ctrl-C may have finished and dropped
/// its guard before this thread runs, while the demo database's note is
/// still registered, and acting then would kill a run that was ending
/// cleanly (exit 130 instead of 0).
fn cleanup_then_default(number: i32) {
    #[cfg(test)]
    std::thread::sleep(std::time::Duration::from_millis(
        tests::CLEANUP_DELAY_MS.load(Ordering::SeqCst),
    ));
    let shared = shared();
    let state = lock();
    let delivered = shared.delivered.swap(false, Ordering::SeqCst);
    let own = &shared.own_unseen;
    if own
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return; // a demo's own signal, handled when it came
    }
    if !delivered {
        // Taken by a listing that was handling signals when it came (or by
        // this thread, for an earlier signal of the same burst).
        return;
    }
    if state.handlers > 0 {
        shared.handled.store(number as usize, Ordering::SeqCst);
        return; // a listing handles it
    }
    if state.temporary.is_empty() && state.notes.is_empty() {
        return; // the handler already ended us
    }
    if !state.notes.is_empty() {
        let name = Signal::try_from(number).map_or("a signal", Signal::as_str);
        let notes: Vec<&str> = state.notes.iter().map(|(_, n)| n.as_str()).collect();
        eprintln!("\n{name}: {}", notes.join("; "));
    }
    for (_, path) in &state.temporary {
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        };
    }
    let _ = signal_hook::low_level::emulate_default_handler(number);
}

/// While alive, the current listing handles SIGINT and SIGTERM itself.
#[derive(Debug)]
#[must_use = "the listing handles signals only while the guard lives"]
pub struct Handling {
    generation: u64,
}

/// Declares that the running listing handles SIGINT and SIGTERM until the
/// returned guard drops. Take it before installing the handler.
pub fn handle() -> Handling {
    let mut state = lock();
    state.handlers += 1;
    settle(&state);
    Handling {
        generation: state.generation,
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        let mut state = lock();
        if state.generation == self.generation {
            state.handlers = state.handlers.saturating_sub(1);
            if state.handlers == 0 {
                release();
            }
            settle(&state);
        }
    }
}

/// The last listing guard is gone (called with the state locked): a
/// delivery the cleanup thread has not reached yet came while a listing
/// handled signals, so it is taken now and the thread will skip it.
fn release() {
    let shared = shared();
    if shared.delivered.swap(false, Ordering::SeqCst) {
        let number = shared.last.load(Ordering::SeqCst);
        if number != 0 {
            shared.handled.store(number, Ordering::SeqCst);
        }
    }
}

/// SIGINT and SIGTERM for a server listing that runs until one of them:
/// [`handle`]'s guard plus Tokio's streams for both, installed together.
///
/// A listing that takes the guard but listens for SIGINT only swallows
/// SIGTERM, so `kill` and `timeout` could no longer stop it; `Stop` cannot
/// be half-installed that way. Install it before anything could signal the
/// process (before the `listening on` line), on a Tokio runtime.
#[derive(Debug)]
pub struct Stop {
    _handling: Handling,
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

impl Stop {
    /// Takes over SIGINT and SIGTERM until dropped.
    pub fn install() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        let handling = handle();
        Ok(Self {
            _handling: handling,
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    /// Waits for SIGINT or SIGTERM; returns which came (`"SIGINT"`).
    pub async fn wait(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
}

/// While alive, a SIGINT or SIGTERM that ends the process removes `path`
/// (a file or a directory) first. Dropping the guard only forgets the path.
#[derive(Debug)]
#[must_use = "the path is removed on a signal only while the guard lives"]
pub struct RemoveOnSignal {
    id: u64,
}

/// Registers `path` for removal if a signal ends the process.
pub fn remove_on_signal(path: impl AsRef<Path>) -> RemoveOnSignal {
    let mut state = lock();
    let id = state.next_temporary;
    state.next_temporary += 1;
    state.temporary.push((id, path.as_ref().to_owned()));
    settle(&state);
    RemoveOnSignal { id }
}

impl Drop for RemoveOnSignal {
    fn drop(&mut self) {
        let mut state = lock();
        state.temporary.retain(|(id, _)| *id != self.id);
        settle(&state);
    }
}

/// While alive, a SIGINT or SIGTERM that ends the process prints `note`
/// on stderr first (after the signal's name), so the person who pressed
/// Ctrl-C sees what was stopped. Dropping the guard forgets the note.
pub fn note_on_signal(note: impl Into<String>) -> NoteOnSignal {
    let mut state = lock();
    let id = state.next_temporary;
    state.next_temporary += 1;
    state.notes.push((id, note.into()));
    settle(&state);
    NoteOnSignal { id }
}

/// The guard of [`note_on_signal`].
#[derive(Debug)]
#[must_use = "the note is printed on a signal only while the guard lives"]
pub struct NoteOnSignal {
    id: u64,
}

impl Drop for NoteOnSignal {
    fn drop(&mut self) {
        let mut state = lock();
        state.notes.retain(|(id, _)| *id != self.id);
        settle(&state);
    }
}

/// Removes what dead processes left in the temp dir: every entry whose
/// name starts with `prefix` and names, by `pid_in`, a process that no
/// longer runs (a run killed with SIGKILL, or before this cleanup existed).
/// Returns how many it removed.
pub fn sweep_dead(prefix: &str, pid_in: impl Fn(&str) -> Option<u32>) -> usize {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str().filter(|n| n.starts_with(prefix)) else {
            continue;
        };
        let Some(pid) = pid_in(name) else { continue };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let path = entry.path();
        let gone = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed += usize::from(gone.is_ok());
    }
    removed
}

/// Raises `signal` in this process without it counting as the user's (a
/// demo that shows its own shutdown path).
pub fn raise_own(signal: Signal) -> nix::Result<()> {
    let Some(shared) = SHARED.get() else {
        return nix::sys::signal::raise(signal); // nobody records signals here
    };
    let last = &shared.last;
    let before = last.load(Ordering::SeqCst);
    shared.own_unseen.fetch_add(1, Ordering::SeqCst);
    // Delivered to this thread before `raise` returns.
    let raised = nix::sys::signal::raise(signal);
    if raised.is_err() {
        shared.own_unseen.fetch_sub(1, Ordering::SeqCst);
    }
    last.store(before, Ordering::SeqCst);
    // Wait (briefly, bounded) for the cleanup thread to read this delivery:
    // a user's signal that came before it was read would be merged with it
    // (pending deliveries of one signal are one) and go unseen.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while shared.own_unseen.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    raised
}

/// The SIGINT or SIGTERM a listing handled since the last call (not
/// counting [`raise_own`]), and forgets it. One that came while no
/// listing handled signals is not reported: the cleanup thread ends the
/// process with it (asking here first would race with that thread).
pub fn take_user_signal() -> Option<Signal> {
    let shared = SHARED.get()?;
    {
        // Asked while a listing still handles signals: a delivery the
        // cleanup thread has not reached is that listing's.
        let state = lock();
        if state.handlers > 0 {
            release();
        }
    }
    shared.last.store(0, Ordering::SeqCst);
    let number = shared.handled.swap(0, Ordering::SeqCst);
    // 0, "none", is no signal's number.
    Signal::try_from(i32::try_from(number).ok()?).ok()
}

/// Ends the signal handling of the listing that just finished: guards it
/// leaked (a thread still holding one) no longer count.
pub fn end_of_listing() {
    if SHARED.get().is_none() {
        return; // nothing was ever handled here
    }
    let mut state = lock();
    state.generation += 1;
    if state.handlers > 0 {
        release();
    }
    state.handlers = 0;
    settle(&state);
}

/// Whether no listing handles SIGINT now and no path waits for removal
/// (true, too, before anything asked to handle signals).
pub fn default_action_now() -> bool {
    SHARED
        .get()
        .is_none_or(|shared| shared.default_now.load(Ordering::SeqCst))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How long the cleanup thread waits before it reads a delivery: a
    /// loaded machine's scheduling, made certain.
    pub(super) static CLEANUP_DELAY_MS: std::sync::atomic::AtomicU64 =
        std::sync::atomic::AtomicU64::new(0);

    // One process-wide state: the tests run in one function, in order.
    #[test]
    fn files_of_dead_processes_are_swept_and_ours_kept() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let prefix = format!("sweep-test-{}-", std::process::id());
        let temp = std::env::temp_dir();
        let stale = temp.join(format!("{prefix}{dead}"));
        let ours = temp.join(format!("{prefix}{}", std::process::id()));
        std::fs::write(&stale, b"left").unwrap();
        std::fs::create_dir_all(&ours).unwrap();
        let pid_in = |name: &str| name.strip_prefix(&prefix)?.parse().ok();
        assert_eq!(sweep_dead(&prefix, pid_in), 1);
        assert!(!stale.exists());
        assert!(ours.exists());
        std::fs::remove_dir(&ours).unwrap();
    }

    #[test]
    fn guards_switch_the_default_action_and_generations_forget_leaks() {
        assert!(default_action_now());
        let a = handle();
        let b = handle();
        assert!(!default_action_now());
        drop(a);
        assert!(!default_action_now());
        drop(b);
        assert!(default_action_now());

        let leaked = handle();
        end_of_listing();
        assert!(default_action_now());
        let current = handle();
        drop(leaked); // an old generation's guard changes nothing
        assert!(!default_action_now());
        drop(current);

        let path = std::env::temp_dir().join("never-made");
        let temporary = remove_on_signal(&path);
        assert!(!default_action_now());
        drop(temporary);
        assert!(default_action_now());
        let note = note_on_signal("listing 9.9 was stopped");
        assert!(!default_action_now());
        drop(note);
        assert!(default_action_now());

        // A handled signal is recorded; one the listing raised itself is not.
        let handling = handle();
        raise_own(Signal::SIGTERM).unwrap();
        assert_eq!(take_user_signal(), None);
        nix::sys::signal::raise(Signal::SIGINT).unwrap();
        assert_eq!(take_user_signal(), Some(Signal::SIGINT));
        assert_eq!(take_user_signal(), None);
        drop(handling);

        // A Ctrl-C the listing handled, reached by the cleanup thread only
        // after the listing dropped its guard, while the demo database's
        // note is still registered: not taken for one that nobody handled
        // (before, the thread printed the note and ended this process).
        std::thread::sleep(std::time::Duration::from_millis(200)); // the thread reads those above first
        let note = note_on_signal("the demo database is stopped");
        let handling = handle();
        CLEANUP_DELAY_MS.store(300, Ordering::SeqCst);
        nix::sys::signal::raise(Signal::SIGINT).unwrap();
        drop(handling);
        std::thread::sleep(std::time::Duration::from_millis(600));
        CLEANUP_DELAY_MS.store(0, Ordering::SeqCst);
        assert_eq!(take_user_signal(), Some(Signal::SIGINT));
        drop(note);
        assert!(default_action_now());
    }
}
