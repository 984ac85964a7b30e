//! Listing 14.12 — An event loop of our own: a reactor on mio, a ready queue, wakers that requeue.
//!
//! No Tokio in here: this is a tiny Tokio. The **reactor** is a mio `Poll`
//! (epoll) plus a table from each socket's `Token` to the wakers of the
//! tasks waiting to read or write it, and its timers (a `BTreeMap`
//! by deadline). The **ready queue** holds tasks to poll; a task (14.11) is
//! its own waker and waking it queues it. `block_on` runs the main future,
//! polls every ready task, then sleeps in `epoll_wait` until a socket is
//! ready or the next timer is due, and wakes whoever waits on them. Sockets
//! try the system call first and only wait after `WouldBlock`, which is
//! what makes mio's edge-triggered events safe to use. `spawn` returns the
//! hand-written future of 14.8 as its join handle. The book's loop steps
//! every task on every turn; here nothing runs unless it was woken. Longer
//! than a listing should be, because it is the whole runtime; read it top
//! to bottom: queue, task, reactor, loop, `spawn`/`sleep`, sockets, demo.
//!
//! Run: cargo run -p chapter14 -- 14.12

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::future::{Future, poll_fn};
use std::io::{self, ErrorKind, Read as _, Write as _};
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use mio::{Events, Interest, Token};
use shared_util::Ctx;

use crate::l08_custom_future::CustomFuture;

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().expect("no panics while locked")
}

/// The token of the mio waker that interrupts `epoll_wait` (see [`ReadyQueue::push`]).
const WAKE_TOKEN: Token = Token(usize::MAX);

/// Tasks waiting for their turn.
struct ReadyQueue {
    tasks: Mutex<VecDeque<Arc<Task>>>,
    /// Set when the main future of `block_on` is woken.
    main_woken: AtomicBool,
    /// True while the loop sleeps in `epoll_wait`: a wake from another
    /// thread must then interrupt it.
    sleeping: AtomicBool,
    interrupt: mio::Waker,
    /// Every task spawned, so dropping the loop can drop their futures
    /// (a waiting task is owned by wakers, which may live inside futures).
    all: Mutex<Vec<Weak<Task>>>,
}

impl ReadyQueue {
    fn push(&self, task: Arc<Task>) {
        lock(&self.tasks).push_back(task);
        self.nudge();
    }

    fn nudge(&self) {
        if self.sleeping.load(Ordering::SeqCst) {
            let _ = self.interrupt.wake();
        }
    }

    fn has_work(&self) -> bool {
        self.main_woken.load(Ordering::SeqCst) || !lock(&self.tasks).is_empty()
    }
}

/// A spawned future and the queue that waking it puts it on.
struct Task {
    future: Mutex<Option<BoxFuture>>,
    queue: Arc<ReadyQueue>,
    /// Already on the queue: a second wake need not queue it twice.
    queued: AtomicBool,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.queued.swap(true, Ordering::SeqCst) {
            self.queue.push(Arc::clone(self));
        }
    }
}

impl Task {
    fn run(self: &Arc<Self>) {
        self.queued.store(false, Ordering::SeqCst);
        let waker = Waker::from(Arc::clone(self));
        let mut slot = lock(&self.future);
        if let Some(future) = slot.as_mut()
            && future
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_ready()
        {
            *slot = None; // finished: drop its state (and its sockets) now
        }
    }
}

/// The waker of `block_on`'s own future: it only raises a flag.
struct MainWaker(Arc<ReadyQueue>);

impl Wake for MainWaker {
    fn wake(self: Arc<Self>) {
        self.0.main_woken.store(true, Ordering::SeqCst);
        self.0.nudge();
    }
}

/// Who waits on one socket.
#[derive(Default)]
struct Waiters {
    reader: Option<Waker>,
    writer: Option<Waker>,
}

/// Every registered socket's waiters, indexed by token.
#[derive(Default)]
struct Sockets {
    /// `None` slots are free; their indices wait in `free` for reuse.
    waiters: Vec<Option<Waiters>>,
    free: Vec<usize>,
}

/// The reactor: sockets and timers, and the wakers waiting on them.
struct Reactor {
    registry: mio::Registry,
    sockets: Mutex<Sockets>,
    timers: Mutex<BTreeMap<(Instant, u64), Waker>>,
    next_timer: AtomicU64,
}

impl Reactor {
    fn add(&self, source: &mut impl mio::event::Source) -> io::Result<Token> {
        let mut sockets = lock(&self.sockets);
        let index = sockets.free.pop().unwrap_or(sockets.waiters.len());
        if let Err(e) = self.registry.register(
            source,
            Token(index),
            Interest::READABLE | Interest::WRITABLE,
        ) {
            if index < sockets.waiters.len() {
                sockets.free.push(index);
            }
            return Err(e);
        }
        if index == sockets.waiters.len() {
            sockets.waiters.push(None);
        }
        sockets.waiters[index] = Some(Waiters::default());
        Ok(Token(index))
    }

    fn remove(&self, token: Token, source: &mut impl mio::event::Source) {
        let _ = self.registry.deregister(source);
        let waiters = {
            let mut sockets = lock(&self.sockets);
            let waiters = sockets.waiters.get_mut(token.0).and_then(Option::take);
            if waiters.is_some() {
                sockets.free.push(token.0);
            }
            waiters
        };
        drop(waiters); // outside the lock: dropping a waker may drop a task
    }

    fn wait(&self, token: Token, writing: bool, waker: &Waker) {
        if let Some(Some(waiters)) = lock(&self.sockets).waiters.get_mut(token.0) {
            let slot = if writing {
                &mut waiters.writer
            } else {
                &mut waiters.reader
            };
            match slot {
                Some(old) if old.will_wake(waker) => {}
                _ => *slot = Some(waker.clone()),
            }
        }
    }

    fn ready(&self, token: Token, readable: bool, writable: bool) {
        let (reader, writer) = match lock(&self.sockets).waiters.get_mut(token.0) {
            Some(Some(w)) => (
                readable.then(|| w.reader.take()).flatten(),
                writable.then(|| w.writer.take()).flatten(),
            ),
            _ => return,
        };
        reader.into_iter().chain(writer).for_each(Waker::wake);
    }

    fn fire_timers(&self, now: Instant) {
        let due = {
            let mut timers = lock(&self.timers);
            let later = timers.split_off(&(now, u64::MAX));
            std::mem::replace(&mut *timers, later)
        };
        due.into_values().for_each(Waker::wake);
    }

    fn next_deadline(&self) -> Option<Instant> {
        lock(&self.timers).keys().next().map(|(at, _)| *at)
    }
}

/// What `spawn`, sockets and timers find through the thread-local "current loop".
#[derive(Clone)]
struct Handle {
    reactor: Arc<Reactor>,
    queue: Arc<ReadyQueue>,
}

thread_local! {
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
}

fn current() -> Handle {
    CURRENT
        .with(|c| c.borrow().clone())
        .expect("called outside EventLoop::block_on")
}

/// The event loop: owns the mio `Poll` it sleeps in.
pub struct EventLoop {
    poll: mio::Poll,
    events: Events,
    handle: Handle,
}

impl EventLoop {
    pub fn new() -> io::Result<Self> {
        let poll = mio::Poll::new()?;
        let queue = Arc::new(ReadyQueue {
            tasks: Mutex::new(VecDeque::new()),
            main_woken: AtomicBool::new(true),
            sleeping: AtomicBool::new(false),
            interrupt: mio::Waker::new(poll.registry(), WAKE_TOKEN)?,
            all: Mutex::new(Vec::new()),
        });
        let reactor = Arc::new(Reactor {
            registry: poll.registry().try_clone()?,
            sockets: Mutex::new(Sockets::default()),
            timers: Mutex::new(BTreeMap::new()),
            next_timer: AtomicU64::new(0),
        });
        let handle = Handle { reactor, queue };
        Ok(Self {
            poll,
            events: Events::with_capacity(1024),
            handle,
        })
    }

    /// Runs `future` (and every task it spawns) until `future` finishes.
    pub fn block_on<F: Future>(&mut self, future: F) -> F::Output {
        let previous = CURRENT.with(|c| c.replace(Some(self.handle.clone())));
        let output = self.turn_until_done(future);
        CURRENT.with(|c| *c.borrow_mut() = previous);
        output
    }

    fn turn_until_done<F: Future>(&mut self, future: F) -> F::Output {
        let Handle { reactor, queue } = self.handle.clone();
        let main_waker = Waker::from(Arc::new(MainWaker(Arc::clone(&queue))));
        let mut future = pin!(future);
        queue.main_woken.store(true, Ordering::SeqCst);
        loop {
            if queue.main_woken.swap(false, Ordering::SeqCst)
                && let Poll::Ready(output) =
                    future.as_mut().poll(&mut Context::from_waker(&main_waker))
            {
                return output;
            }
            // One pass over what is ready now; tasks woken meanwhile wait for
            // the next pass, so a task that keeps waking itself cannot starve I/O.
            let ready = lock(&queue.tasks).len();
            for _ in 0..ready {
                let Some(task) = lock(&queue.tasks).pop_front() else {
                    break;
                };
                task.run();
            }
            // Sleep until a socket or a timer needs us, not longer.
            queue.sleeping.store(true, Ordering::SeqCst);
            let timeout = if queue.has_work() {
                Some(Duration::ZERO)
            } else {
                reactor
                    .next_deadline()
                    .map(|at| at.saturating_duration_since(Instant::now()))
            };
            let polled = self.poll.poll(&mut self.events, timeout);
            queue.sleeping.store(false, Ordering::SeqCst);
            match polled {
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => panic!("epoll_wait failed: {e}"),
                Ok(()) => {}
            }
            for event in &self.events {
                if event.token() != WAKE_TOKEN {
                    let failed =
                        event.is_error() || event.is_read_closed() || event.is_write_closed();
                    reactor.ready(
                        event.token(),
                        event.is_readable() || failed,
                        event.is_writable() || failed,
                    );
                }
            }
            reactor.fire_timers(Instant::now());
        }
    }
}

impl Drop for EventLoop {
    fn drop(&mut self) {
        // Tasks still waiting are owned by wakers (in the reactor, or inside
        // other futures): drop every unfinished future, so they are freed.
        let queue = &self.handle.queue;
        let tasks: Vec<_> = lock(&queue.all)
            .drain(..)
            .filter_map(|t| t.upgrade())
            .collect();
        let futures: Vec<_> = tasks.iter().map(|t| lock(&t.future).take()).collect();
        drop(futures); // outside every lock: their sockets deregister now
        lock(&queue.tasks).clear();
        lock(&self.handle.reactor.timers).clear();
        let sockets = std::mem::take(&mut lock(&self.handle.reactor.sockets).waiters);
        drop((tasks, sockets));
    }
}

/// Starts `future` as a task on the current loop; its result arrives in the
/// returned future (14.8's `CustomFuture`, set by the task when it ends).
pub fn spawn<T: Send + 'static>(
    future: impl Future<Output = T> + Send + 'static,
) -> CustomFuture<T> {
    let handle = current();
    let result = CustomFuture::default();
    let setter = result.clone();
    let task = Arc::new(Task {
        future: Mutex::new(Some(Box::pin(
            async move { setter.set_result(future.await) },
        ))),
        queue: Arc::clone(&handle.queue),
        queued: AtomicBool::new(true),
    });
    {
        let mut all = lock(&handle.queue.all);
        // Forget finished tasks now and then, so the list stays short.
        if all.len() >= 1024 && all.len().is_power_of_two() {
            all.retain(|t| t.strong_count() > 0);
        }
        all.push(Arc::downgrade(&task));
    }
    handle.queue.push(task);
    result
}

/// Finishes once `duration` has passed (a timer in the reactor).
pub async fn sleep(duration: Duration) {
    let reactor = current().reactor;
    let deadline = Instant::now() + duration;
    let id = reactor.next_timer.fetch_add(1, Ordering::Relaxed);
    poll_fn(|cx| {
        if Instant::now() >= deadline {
            lock(&reactor.timers).remove(&(deadline, id));
            return Poll::Ready(());
        }
        lock(&reactor.timers).insert((deadline, id), cx.waker().clone());
        Poll::Pending
    })
    .await;
}

/// A socket registered with the current loop's reactor.
struct Registered<S: mio::event::Source> {
    source: S,
    token: Token,
    reactor: Arc<Reactor>,
}

impl<S: mio::event::Source> Registered<S> {
    fn new(mut source: S) -> io::Result<Self> {
        let reactor = current().reactor;
        let token = reactor.add(&mut source)?;
        Ok(Self {
            source,
            token,
            reactor,
        })
    }

    /// Tries `op`; on `WouldBlock`, leaves the waker with the reactor and waits.
    async fn io<R>(&self, writing: bool, mut op: impl FnMut(&S) -> io::Result<R>) -> io::Result<R> {
        poll_fn(|cx| {
            loop {
                match op(&self.source) {
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        self.reactor.wait(self.token, writing, cx.waker());
                        return Poll::Pending;
                    }
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    result => return Poll::Ready(result),
                }
            }
        })
        .await
    }
}

impl<S: mio::event::Source> Drop for Registered<S> {
    fn drop(&mut self) {
        self.reactor.remove(self.token, &mut self.source);
    }
}

/// A listening socket on our loop.
pub struct TcpListener(Registered<mio::net::TcpListener>);

impl TcpListener {
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<Self> {
        listener.set_nonblocking(true)?;
        Ok(Self(Registered::new(mio::net::TcpListener::from_std(
            listener,
        ))?))
    }

    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, address) = self.0.io(false, mio::net::TcpListener::accept).await?;
        Ok((TcpStream(Registered::new(stream)?), address))
    }
}

/// A connection on our loop.
pub struct TcpStream(Registered<mio::net::TcpStream>);

impl TcpStream {
    pub async fn connect(address: SocketAddr) -> io::Result<Self> {
        let stream = Self(Registered::new(mio::net::TcpStream::connect(address)?)?);
        // A non-blocking connect finishes when the socket turns writable.
        stream
            .0
            .io(true, |s| match s.take_error()? {
                Some(e) => Err(e),
                None => s.peer_addr().map_err(|e| {
                    if e.kind() == ErrorKind::NotConnected {
                        ErrorKind::WouldBlock.into()
                    } else {
                        e
                    }
                }),
            })
            .await?;
        Ok(stream)
    }

    pub fn set_nodelay(&self, on: bool) -> io::Result<()> {
        self.0.source.set_nodelay(on)
    }

    pub async fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        self.0.io(false, |mut s| s.read(buffer)).await
    }

    pub async fn write_all(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            match self.0.io(true, |mut s| s.write(bytes)).await? {
                0 => return Err(ErrorKind::WriteZero.into()),
                n => bytes = &bytes[n..],
            }
        }
        Ok(())
    }
}

pub fn run(_ctx: &Ctx) -> anyhow::Result<()> {
    let mut event_loop = EventLoop::new()?;
    event_loop.block_on(async {
        println!("main: spawning two sleepers, 200 ms and 100 ms");
        let slow = spawn(async {
            sleep(Duration::from_millis(200)).await;
            println!("sleeper 200 ms: woke up");
            200
        });
        let fast = spawn(async {
            sleep(Duration::from_millis(100)).await;
            println!("sleeper 100 ms: woke up");
            100
        });

        let listener = TcpListener::from_std(shared_util::net::bind_loopback(0)?)?;
        let address = listener.0.source.local_addr()?;
        let server = spawn(async move {
            let (mut connection, _) = listener.accept().await?;
            println!("server task: accepted a connection");
            let mut buffer = [0u8; 1024];
            let n = connection.read(&mut buffer).await?;
            connection.write_all(&buffer[..n]).await?;
            io::Result::Ok(n)
        });
        let mut client = TcpStream::connect(address).await?;
        client.write_all(b"hello").await?;
        let mut echo = [0u8; 5];
        let n = client.read(&mut echo).await?;
        println!(
            "client: sent b\"hello\", got back b\"{}\"",
            echo[..n].escape_ascii()
        );
        println!("server task: echoed {} bytes", server.await?);

        println!("main: waiting for the sleepers");
        println!("main: sleepers returned {} and {}", slow.await, fast.await);
        anyhow::Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wake_from_another_thread_interrupts_the_sleeping_loop() {
        let mut event_loop = EventLoop::new().unwrap();
        let started = Instant::now();
        let value = event_loop.block_on(async {
            // A bound, should the interrupt not work: the loop wakes in 5 s.
            drop(spawn(sleep(Duration::from_secs(5))));
            let future = CustomFuture::default();
            let setter = future.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                setter.set_result(42);
            });
            future.await
        });
        assert_eq!(value, 42);
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn spawned_tasks_return_through_their_handle_and_timers_fire_in_order() {
        let mut event_loop = EventLoop::new().unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let results = event_loop.block_on(async {
            let handles: Vec<_> = [30u64, 10, 20]
                .into_iter()
                .map(|ms| {
                    let order = Arc::clone(&order);
                    spawn(async move {
                        sleep(Duration::from_millis(ms)).await;
                        lock(&order).push(ms);
                        ms * 2
                    })
                })
                .collect();
            let mut results = Vec::new();
            for handle in handles {
                results.push(handle.await);
            }
            results
        });
        assert_eq!(results, [60, 20, 40]);
        assert_eq!(*lock(&order), [10, 20, 30]);
    }

    #[test]
    fn dropping_the_loop_frees_tasks_that_still_wait() {
        let marker = Arc::new(());
        let mut event_loop = EventLoop::new().unwrap();
        let held = Arc::clone(&marker);
        event_loop.block_on(async move {
            // Waits for ever on a future only it holds: a waker cycle.
            drop(spawn(async move {
                let never: CustomFuture<()> = CustomFuture::default();
                let _keep = held;
                never.clone().await;
                drop(never);
            }));
            sleep(Duration::from_millis(1)).await;
        });
        assert_eq!(Arc::strong_count(&marker), 2, "the task is waiting");
        drop(event_loop);
        assert_eq!(
            Arc::strong_count(&marker),
            1,
            "the task was freed with the loop"
        );
    }
}
