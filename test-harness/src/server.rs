//! A server listing as a child process, driven over real TCP.

use std::io::Read as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a [`ServerChild`] waits for anything its server should print
/// or do.
pub const SERVER_WAIT: Duration = Duration::from_secs(30);

/// A server listing running as a child process, driven over real TCP from
/// a test.
///
/// [`ServerChild::start`] runs `bin` with the listing's arguments and
/// `--port 0`, reads the address from its `listening on 127.0.0.1:PORT`
/// line, and keeps reading its stdout on a thread (a server that logs into
/// a full pipe would stall). Every wait is bounded by [`SERVER_WAIT`] or
/// the bound given; `Drop` kills a server the test did not stop.
pub struct ServerChild {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
    /// Every stdout line read so far.
    pub seen: Vec<String>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    /// The port it listens on (0 for a child started with a `ready` line
    /// instead).
    pub port: u16,
}

impl ServerChild {
    /// Starts `bin` with `args` and `--port 0`; waits for its address.
    pub fn start(bin: impl AsRef<Path>, args: &[&str]) -> Self {
        let mut command = Command::new(bin.as_ref());
        command.args(args).args(["--port", "0"]);
        Self::spawn(command, None)
    }

    /// Like [`ServerChild::start`], with the child's limit on open file
    /// descriptors (soft and hard) set to `limit` before it runs, as
    /// `ulimit -n LIMIT` would: a server to exhaust on purpose.
    pub fn start_with_fd_limit(bin: impl AsRef<Path>, limit: u64, args: &[&str]) -> Self {
        let mut command = Command::new(bin.as_ref());
        command.args(args).args(["--port", "0"]);
        limit_fds(&mut command, limit);
        Self::spawn(command, None)
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// How many file descriptors it has open now (Linux: `/proc/PID/fd`).
    pub fn open_fds(&self) -> usize {
        open_fds(self.pid())
    }

    /// Its resident memory in bytes now (Linux: `/proc/PID/status`).
    pub fn resident_bytes(&self) -> u64 {
        crate::processes::resident_bytes(self.pid()).unwrap_or(0)
    }

    /// Starts `command` (stdin, stdout and stderr are set here). With
    /// `ready`, waits for a line containing it instead of an address.
    pub fn spawn(mut command: Command, ready: Option<&str>) -> Self {
        use std::io::BufRead as _;
        let mut child = command
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {command:?}: {e}"));
        let (sender, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().expect("stdout is piped");
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("stderr is piped");
        let sink = std::sync::Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            *sink.lock().expect("no panics while locked") = text;
        });
        let mut server = ServerChild {
            child,
            lines,
            seen: Vec::new(),
            stderr,
            port: 0,
        };
        match ready {
            Some(ready) => {
                server.wait_for(ready);
            }
            None => {
                let line = server.wait_for("listening on ");
                server.port =
                    announced_port(&line).unwrap_or_else(|| panic!("no address in {line:?}"));
            }
        }
        server
    }

    /// `127.0.0.1:PORT`.
    pub fn address(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, self.port))
    }

    /// A blocking client whose reads and writes give up after
    /// [`SERVER_WAIT`].
    pub fn connect(&self) -> std::net::TcpStream {
        let stream = std::net::TcpStream::connect(self.address()).expect("connect to the server");
        stream
            .set_read_timeout(Some(SERVER_WAIT))
            .expect("a timeout");
        stream
            .set_write_timeout(Some(SERVER_WAIT))
            .expect("a timeout");
        stream
    }

    /// Waits (bounded) for a stdout line containing `needle`; returns it.
    /// A line already seen counts.
    pub fn wait_for(&mut self, needle: &str) -> String {
        use std::sync::mpsc::RecvTimeoutError;
        if let Some(line) = self.seen.iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        let deadline = Instant::now() + SERVER_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no line with {needle:?} within {SERVER_WAIT:?}; seen:\n{}",
                    self.seen.join("\n")
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "the server ended before printing {needle:?}; seen:\n{}\nstderr:\n{}",
                    self.seen.join("\n"),
                    self.stderr()
                ),
            }
        }
    }

    /// Takes whatever the server has printed so far, without waiting.
    pub fn drain(&mut self) {
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
    }

    /// How many lines so far contain `needle`.
    pub fn count(&mut self, needle: &str) -> usize {
        self.drain();
        self.seen.iter().filter(|l| l.contains(needle)).count()
    }

    /// Sends `signal` to the server.
    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        let pid = i32::try_from(self.child.id()).expect("a pid fits in i32");
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), signal).expect("signal the server");
    }

    /// Waits at most `bound` for the server to exit; returns its exit code
    /// (`None` if a signal killed it). All its output is in `seen` then.
    pub fn wait_exit(&mut self, bound: Duration) -> Option<i32> {
        let deadline = Instant::now() + bound;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // The reader thread sees the end of file right after exit.
                while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
                    self.seen.push(line);
                }
                return status.code();
            }
            if Instant::now() > deadline {
                self.drain();
                panic!(
                    "the server did not exit within {bound:?}; seen:\n{}",
                    self.seen.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Everything it wrote to stderr (complete once it has exited).
    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("no panics while locked").clone()
    }

    /// Every stdout line so far, joined.
    pub fn output(&mut self) -> String {
        self.drain();
        self.seen.join("\n")
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sets `command`'s limit on open file descriptors to `limit` (soft and
/// hard) in the child, between fork and exec.
#[allow(unsafe_code)]
pub fn limit_fds(command: &mut Command, limit: u64) {
    use std::os::unix::process::CommandExt as _;
    // Safety: the closure runs in the forked child before exec and only
    // makes the setrlimit system call, which is async-signal-safe; it
    // allocates nothing and takes no lock.
    unsafe {
        command.pre_exec(move || {
            nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE, limit, limit)
                .map_err(std::io::Error::from)
        });
    }
}

/// How many file descriptors process `pid` has open (Linux: `/proc/PID/fd`);
/// 0 when it is gone.
pub fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
}

/// Opens connections to `address` until `count` are open or one fails;
/// returns them. A server with few descriptors accepts only some: the
/// kernel completes the handshakes of the rest, which wait in its queue.
pub fn connect_many(address: std::net::SocketAddr, count: usize) -> Vec<std::net::TcpStream> {
    (0..count)
        .map_while(|_| {
            let stream =
                std::net::TcpStream::connect_timeout(&address, Duration::from_secs(5)).ok()?;
            stream.set_read_timeout(Some(SERVER_WAIT)).ok()?;
            stream.set_write_timeout(Some(SERVER_WAIT)).ok()?;
            Some(stream)
        })
        .collect()
}

/// Sends `message` and reads back exactly as many bytes (an echo server).
pub fn echo_round_trip(stream: &mut std::net::TcpStream, message: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    stream.write_all(message).expect("send");
    let mut echo = vec![0; message.len()];
    stream.read_exact(&mut echo).expect("read the echo");
    echo
}

/// Runs out an echo server's file descriptors and checks it recovers: a
/// server started with [`ServerChild::start_with_fd_limit`] (64) gets more
/// clients than it can accept, logs the failure once, still echoes for
/// the clients it has, and, once some leave, accepts and echoes for every
/// client that waited in the queue.
pub fn assert_echo_survives_fd_exhaustion(server: &mut ServerChild, what: &str) {
    let mut clients = connect_many(server.address(), 90);
    assert_eq!(clients.len(), 90, "{what}: the kernel queues them all");
    server.wait_for("accept failed: Too many open files");
    assert_eq!(
        echo_round_trip(&mut clients[0], b"still here\r\n"),
        b"still here\r\n",
        "{what}"
    );
    // Free some descriptors: the queued clients get in and are echoed.
    clients.drain(1..41);
    for (n, client) in clients.iter_mut().enumerate() {
        let message = format!("client {n}\r\n");
        assert_eq!(
            echo_round_trip(client, message.as_bytes()),
            message.as_bytes(),
            "{what}: client {n}"
        );
    }
    assert_eq!(
        server.count("accept failed"),
        1,
        "{what}: logged once:\n{}",
        server.output()
    );
}

/// The port in a server's `listening on 127.0.0.1:PORT` line, the line
/// every server listing prints (`shared_util::net::announce`) and the demo
/// server prints as `listening on http://127.0.0.1:PORT`.
fn announced_port(line: &str) -> Option<u16> {
    let (_, rest) = line.split_once("listening on ")?;
    let word = rest
        .split_whitespace()
        .next()?
        .trim_start_matches("http://");
    let address: std::net::SocketAddr = word.trim_end_matches([',', '.', ';']).parse().ok()?;
    Some(address.port())
}
