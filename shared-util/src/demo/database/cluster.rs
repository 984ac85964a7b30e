//! Making a cluster for the demo database: who the server runs as (as
//! root, an unprivileged user), its directory in the temp dir, and
//! `initdb`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use super::{DEMO_USER, DIR_PREFIX, START_BOUND};

/// Who the server runs as: ourselves, or (as root) an unprivileged user.
#[derive(Debug, Clone, Copy)]
pub(super) struct RunAs {
    pub(super) uid: u32,
    pub(super) gid: u32,
}

/// As root: the `postgres` user (else `nobody`), read from /etc/passwd.
pub(super) fn run_as() -> anyhow::Result<Option<RunAs>> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let user = |name: &str| {
        passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.len() > 3 && fields[0] == name).then(|| RunAs {
                uid: fields[2].parse().unwrap_or(0),
                gid: fields[3].parse().unwrap_or(0),
            })
        })
    };
    match user("postgres").or_else(|| user("nobody")) {
        Some(run_as) if run_as.uid != 0 => Ok(Some(run_as)),
        _ => bail!(
            "PostgreSQL refuses to run as root, and there is no postgres or nobody user to run it as; run as another user, or pass --database-url"
        ),
    }
}

/// A fresh `rct-demo-db-PID-N` directory under `temp`, owned by the user
/// the server runs as.
pub(super) fn make_root(temp: &Path, run_as: Option<RunAs>) -> anyhow::Result<PathBuf> {
    for n in 0..1000 {
        let root = temp.join(format!("{DIR_PREFIX}{}-{n}", std::process::id()));
        match std::fs::create_dir(&root) {
            Ok(()) => {
                if let Some(user) = run_as {
                    std::os::unix::fs::chown(&root, Some(user.uid), Some(user.gid)).with_context(
                        || format!("could not hand {} to the postgres user", root.display()),
                    )?;
                }
                return Ok(root);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(e).with_context(|| format!("could not create {}", root.display()));
            }
        }
    }
    bail!("could not find a free directory name in {}", temp.display())
}

/// Runs `initdb` into `root/data`, bounded.
pub(super) fn initdb(bin: &Path, root: &Path, run_as: Option<RunAs>) -> anyhow::Result<()> {
    let mut command = Command::new(bin.join("initdb"));
    command
        .args(["-D"])
        .arg(root.join("data"))
        .args(["-U", DEMO_USER, "-A", "trust", "-E", "UTF8", "--locale=C"])
        .arg("--no-sync")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    as_user(&mut command, run_as);
    let mut child = command.spawn().context("could not run initdb")?;
    let deadline = Instant::now() + START_BOUND;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("initdb took longer than {START_BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if !status.success() {
        let mut output = String::new();
        if let Some(mut err) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut err, &mut output);
        }
        let hint = if run_as.is_some() {
            format!(
                " (as root it runs as the postgres user, which must be able to reach {})",
                root.display()
            )
        } else {
            String::new()
        };
        bail!("initdb failed{hint}: {}", output.trim());
    }
    Ok(())
}

pub(super) fn as_user(command: &mut Command, run_as: Option<RunAs>) {
    use std::os::unix::process::CommandExt as _;
    if let Some(user) = run_as {
        command.uid(user.uid).gid(user.gid);
    }
}
