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
                server.port = shared_util::net::listening_address(&line)
                    .unwrap_or_else(|| panic!("no address in {line:?}"))
                    .port();
            }
        }
        server
    }

    /// `127.0.0.1:PORT`.
    pub fn address(&self) -> std::net::SocketAddr {
        shared_util::net::loopback(self.port)
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
