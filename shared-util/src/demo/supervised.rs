//! Running a stand-in's server (the demo database's `postgres`, the demo
//! broker's `redis-server`) so that it never outlives the run: a tiny `sh`
//! supervisor that the kernel signals when the run dies, which stops the
//! server and deletes its directory; stopping it on request, bounded; and
//! sweeping the directories of runs that were killed with their
//! supervisor.

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The supervisor: starts the server, stops it on SIGINT/SIGTERM/SIGHUP
/// (with SIGINT: a fast shutdown for both servers), waits for it to end,
/// then deletes the directory. `$1` is the directory, the rest the
/// server's command line; the server's pid is its first line of output.
pub(crate) const SUPERVISOR: &str = r#"root=$1; shift
trap 'stop=1; [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null' INT TERM HUP
"$@" >&2 &
pid=$!
echo "$pid"
[ -n "$stop" ] && kill -INT "$pid" 2>/dev/null
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; done
rm -rf "$root"
"#;

/// `sh -c SUPERVISOR NAME ROOT`: add the server's program and arguments.
pub(crate) fn supervisor(name: &str, root: &Path) -> Command {
    let mut command = Command::new("/bin/sh");
    command.args(["-c", SUPERVISOR, name]).arg(root);
    end_with_this_thread(&mut command);
    command
}

/// Asks the kernel to SIGTERM the supervisor when the thread that starts
/// it ends (the whole run dying included), so its trap stops the server.
#[allow(unsafe_code)]
pub(crate) fn end_with_this_thread(command: &mut Command) {
    use std::os::unix::process::CommandExt as _;
    let parent = nix::unistd::getpid();
    // Safety: the closure runs in the forked child before exec; it only
    // makes two system calls (prctl, getppid), both async-signal-safe, and
    // allocates nothing. It runs after std's setuid, which would otherwise
    // clear the death signal.
    unsafe {
        command.pre_exec(move || {
            nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGTERM)
                .map_err(std::io::Error::from)?;
            if nix::unistd::getppid() != parent {
                // The run died before the line above took effect.
                return Err(std::io::Error::other("the parent is gone"));
            }
            Ok(())
        });
    }
}

/// Stops the server through its supervisor (which deletes the directory);
/// if that takes longer than `bound`, kills both and deletes it here.
pub(crate) fn stop_server(mut child: Child, server: i32, root: &Path, bound: Duration) {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let supervisor = Pid::from_raw(i32::try_from(child.id()).unwrap_or(i32::MAX));
    let _ = kill(supervisor, Signal::SIGTERM);
    let deadline = Instant::now() + bound;
    loop {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => break,
            Ok(None) if Instant::now() > deadline => {
                let _ = kill(Pid::from_raw(server), Signal::SIGKILL);
                let _ = child.kill();
                let _ = child.wait();
                break;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    let _ = std::fs::remove_dir_all(root);
}

/// Deletes the directories in `temp` named `PREFIX-PID-N` whose run has
/// ended without deleting its own (its supervisor was killed too). A
/// server may still run there: `server_in(dir)` gives its pid and the
/// directory it runs in, and it is killed first if it still runs there.
pub(crate) fn remove_stale(
    temp: &Path,
    prefix: &str,
    server_in: impl Fn(&Path) -> Option<(i32, std::path::PathBuf)>,
) {
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if Path::new(&format!("/proc/{pid}")).exists() {
            continue; // its run is alive (or the pid was reused: leave it)
        }
        if let Some((server, cwd)) = server_in(&entry.path())
            && std::fs::read_link(format!("/proc/{server}/cwd")).is_ok_and(|dir| dir == cwd)
        {
            let pid = nix::unistd::Pid::from_raw(server);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}
