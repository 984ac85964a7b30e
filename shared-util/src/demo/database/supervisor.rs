//! Running the demo database's server under a supervisor that outlives
//! nothing: a tiny `sh` that the kernel signals when the run dies, which
//! stops the server and deletes its directory; and the keeper thread that
//! starts it, reports when the server answers, and stops it on request.

use std::collections::VecDeque;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use super::cluster::{RunAs, as_user};
use super::{DEMO_DATABASE, DEMO_USER, DatabaseUrl, START_BOUND, STOP_BOUND};
use crate::demo::supervised::{stop_server, supervisor};

/// The keeper thread: starts the supervisor, reports readiness, waits
/// for the word to stop, stops. It lives as long as the server, because
/// the supervisor's death signal is tied to the thread that forked it.
pub(super) fn keep(
    bin: &Path,
    root: &Path,
    run_as: Option<RunAs>,
    ready: &mpsc::Sender<anyhow::Result<(DatabaseUrl, String)>>,
    stop: &mpsc::Receiver<()>,
) {
    let log = Arc::new(Mutex::new(VecDeque::new()));
    let started =
        supervise(bin, root, run_as, &log).and_then(
            |(child, server, port)| match wait_until_ready(port, &log, child) {
                Ok((child, url, version)) => Ok((child, server, url, version)),
                Err((child, e)) => {
                    stop_server(child, server, root, STOP_BOUND);
                    Err(e)
                }
            },
        );
    match started {
        Ok((child, server, url, version)) => {
            let _ = ready.send(Ok((url, version)));
            // Returns on the word to stop, or when the DemoDatabase is gone.
            let _ = stop.recv();
            stop_server(child, server, root, STOP_BOUND);
        }
        Err(e) => {
            let _ = ready.send(Err(e));
        }
    }
}

/// Starts `sh -c SUPERVISOR` running `postgres` on a free port; returns
/// the supervisor, the server's pid and the port.
fn supervise(
    bin: &Path,
    root: &Path,
    run_as: Option<RunAs>,
    log: &Arc<Mutex<VecDeque<String>>>,
) -> anyhow::Result<(Child, i32, u16)> {
    let port = crate::net::bind_loopback_backlog(0, 1)?
        .local_addr()?
        .port();
    let data = root.join("data");
    let mut command = supervisor("demo-database", root);
    command
        .arg(bin.join("postgres"))
        .arg("-D")
        .arg(&data)
        .arg("-k")
        .arg(&data)
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
        .args(["-c", "full_page_writes=off", "-c", "log_checkpoints=off"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    as_user(&mut command, run_as);
    let mut child = command.spawn().context("could not start postgres")?;

    // The server's log, kept for error messages: the last lines only.
    if let Some(stderr) = child.stderr.take() {
        let log = Arc::clone(log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
                if log.len() == 20 {
                    log.pop_front();
                }
                log.push_back(line);
            }
        });
    }
    let mut pid_line = String::new();
    if let Some(stdout) = child.stdout.take() {
        BufReader::new(stdout).read_line(&mut pid_line)?;
    }
    let server = pid_line
        .trim()
        .parse()
        .context("the demo database's supervisor did not start postgres")?;
    Ok((child, server, port))
}

/// Connects until the server answers (bounded), then creates `products`.
/// On failure, gives the supervisor back so the caller can stop it.
fn wait_until_ready(
    port: u16,
    log: &Arc<Mutex<VecDeque<String>>>,
    mut child: Child,
) -> Result<(Child, DatabaseUrl, String), (Child, anyhow::Error)> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return Err((child, e.into())),
    };
    let admin = format!("postgres://{DEMO_USER}@127.0.0.1:{port}/postgres?connect_timeout=2");
    let deadline = Instant::now() + START_BOUND;
    let log_tail = || {
        let log = log.lock().unwrap_or_else(|e| e.into_inner());
        log.iter().cloned().collect::<Vec<_>>().join("\n")
    };
    let client = loop {
        if let Ok(Some(status)) = child.try_wait() {
            let e = anyhow::anyhow!(
                "postgres exited ({status}) before accepting connections:\n{}",
                log_tail()
            );
            return Err((child, e));
        }
        if Instant::now() > deadline {
            let e = anyhow::anyhow!(
                "postgres did not accept connections within {START_BOUND:?}:\n{}",
                log_tail()
            );
            return Err((child, e));
        }
        let attempt = runtime.block_on(async {
            let (client, connection) =
                tokio_postgres::connect(&admin, tokio_postgres::NoTls).await?;
            tokio::spawn(connection);
            anyhow::Ok(client)
        });
        match attempt {
            Ok(client) => break client,
            Err(_) => std::thread::sleep(Duration::from_millis(25)),
        }
    };
    let created = runtime.block_on(async {
        client
            .batch_execute(&format!("CREATE DATABASE {DEMO_DATABASE}"))
            .await?;
        let row = client.query_one("SHOW server_version", &[]).await?;
        let version: String = row.get(0);
        anyhow::Ok(version.split_whitespace().next().unwrap_or("").to_owned())
    });
    drop(client);
    match created {
        Ok(version) => {
            let url = format!("postgres://{DEMO_USER}@127.0.0.1:{port}/{DEMO_DATABASE}");
            let url = DatabaseUrl::parse(&url).expect("a well-formed URL");
            Ok((child, url, version))
        }
        Err(e) => Err((child, e.context("could not create the products database"))),
    }
}
