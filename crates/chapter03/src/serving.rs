//! Small pieces the chapter's servers share: which port to use, the line
//! that announces it, how bytes are shown, the scripted demo clients and a
//! CPU-time meter.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use shared_util::Ctx;

/// How long a demo client waits on any one read or write before giving up.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// `--port`, else 8000; in demo mode (`--demo`, `all`) a free port, so a
/// server left running elsewhere cannot get in the way.
pub fn server_port(ctx: &Ctx) -> u16 {
    match (ctx.flags.port, ctx.flags.demo) {
        (Some(port), _) => port,
        (None, true) => 0,
        (None, false) => 8000,
    }
}

/// Prints where the server listens (tests read the port from this line)
/// and, when a person is driving, how to talk to it.
pub fn announce(address: SocketAddr, ctx: &Ctx) {
    announce_with(
        address,
        ctx,
        "type a line, see it echoed; Ctrl-C stops the server",
    );
}

/// `announce` for the servers that serve one client and exit (3.1, 3.2):
/// `what` says what that client will see.
pub fn announce_with(address: SocketAddr, ctx: &Ctx, what: &str) {
    shared_util::net::announce(address, ctx.flags.demo, what);
}

/// Bytes the way Python prints them: `b"hi\r\n"`.
pub fn show(bytes: &[u8]) -> String {
    format!("b\"{}\"", bytes.escape_ascii())
}

/// Connects a blocking client with bounded reads and writes.
pub fn connect(address: SocketAddr) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(CLIENT_TIMEOUT))?;
    stream.set_write_timeout(Some(CLIENT_TIMEOUT))?;
    Ok(stream)
}

/// Sends `message` and reads back as many bytes.
pub fn round_trip(stream: &mut TcpStream, message: &[u8]) -> std::io::Result<Vec<u8>> {
    stream.write_all(message)?;
    let mut echo = vec![0; message.len()];
    stream.read_exact(&mut echo)?;
    Ok(echo)
}

/// Runs a scripted client on its own thread (the blocking servers own the
/// main thread).
pub fn spawn_client(
    script: impl FnOnce() -> anyhow::Result<()> + Send + 'static,
) -> JoinHandle<anyhow::Result<()>> {
    std::thread::spawn(script)
}

/// Waits for a scripted client and passes on its error.
pub fn finish_client(client: Option<JoinHandle<anyhow::Result<()>>>) -> anyhow::Result<()> {
    match client {
        Some(client) => client
            .join()
            .map_err(|_| anyhow::anyhow!("the demo client panicked"))?,
        None => Ok(()),
    }
}

/// Measures the CPU time the whole process uses over a stretch of wall time.
#[derive(Debug)]
pub struct CpuMeter {
    wall: Instant,
    cpu: Duration,
}

impl CpuMeter {
    /// Starts measuring now.
    pub fn start() -> Self {
        Self {
            wall: Instant::now(),
            cpu: crate::sys::cpu_time(),
        }
    }

    /// Wall time since the start.
    pub fn elapsed(&self) -> Duration {
        self.wall.elapsed()
    }

    /// Prints what the wait cost: `while idle for 2.0 s the server used
    /// 1.98 s of CPU time (99% of one core)`.
    pub fn report(&self, what: &str) {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = (crate::sys::cpu_time().saturating_sub(self.cpu)).as_secs_f64();
        println!(
            "{what} for {wall:.1} s the server used {cpu:.2} s of CPU time ({:.0}% of one core)",
            100.0 * cpu / wall.max(f64::EPSILON)
        );
    }
}
