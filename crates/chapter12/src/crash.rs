//! What each queue loses when the app is killed mid-flood: the line under
//! `compare broker`'s table.
//!
//! The same experiment on both: a flood of orders, and a SIGKILL of the
//! app once a third of them were told "placed". 12.3 runs as a child
//! process and its queue dies with it: the orders it accepted and had not
//! processed are gone. For the Redis stream the app and its workers are
//! 12.11's processes: the app and a worker holding an order are killed, the
//! app restarts, and the orders wait in Redis until the workers (one of
//! them taking over the killed worker's order) finish them.

use std::collections::BTreeSet;
use std::io::BufRead as _;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt as _;
use shared_util::demo::broker::DemoRedis;

use crate::broker::{Broker, Keys};
use crate::broker_processes::{AppChild, Workers, claim_after};
use crate::l11_redis_orders::wait_processed;

/// Orders in the flood.
const ORDERS: usize = 60;

/// The order times' scale: 0 to 0.2 s each.
const SCALE: f64 = 0.05;

/// The run for `compare broker`: one line per queue.
pub fn lines(exe: &Path) -> anyhow::Result<Vec<String>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let memory = runtime.block_on(in_memory(exe))?;
    let redis = runtime.block_on(on_redis())?;
    Ok(vec![
        format!(
            "a SIGKILL of the app once at least {} of {ORDERS} orders were placed (orders of 0-{:.1} s):",
            ORDERS / 3,
            4.0 * SCALE
        ),
        memory,
        redis,
    ])
}

/// Sends `ORDERS` orders one after another, recording each one placed,
/// so both apps are killed after the same number.
fn flood(address: SocketAddr, placed: Arc<Mutex<Vec<u64>>>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let Ok(client) = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
        else {
            return;
        };
        let url = format!("http://{address}/order");
        futures::stream::iter(0..ORDERS)
            .for_each_concurrent(1, |_| {
                let request = client.post(&url);
                let placed = Arc::clone(&placed);
                async move {
                    let Ok(response) = request.send().await else {
                        return; // the app was killed
                    };
                    if response.status() != 200 {
                        return;
                    }
                    if let Some(id) = response
                        .text()
                        .await
                        .ok()
                        .and_then(|t| crate::order_server::placed_number(&t))
                    {
                        placed.lock().unwrap_or_else(|e| e.into_inner()).push(id);
                    }
                }
            })
            .await;
    })
}

/// Waits until `placed` holds `count` orders (bounded).
async fn placed_at_least(placed: &Mutex<Vec<u64>>, count: usize) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while placed.lock().unwrap_or_else(|e| e.into_inner()).len() < count {
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "the app placed fewer than {count} orders in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Ok(())
}

/// 12.3 as a child: flood it, kill it, count what it had processed.
async fn in_memory(exe: &Path) -> anyhow::Result<String> {
    let mut child = KilledOnDrop(
        Command::new(exe)
            .args(["12.3", "--port", "0", "--scale", &SCALE.to_string()])
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?,
    );
    let stdout = child.0.stdout.take().expect("piped");
    let (address_tx, address_rx) = std::sync::mpsc::channel();
    let processed = Arc::new(Mutex::new(BTreeSet::new()));
    let seen = Arc::clone(&processed);
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(address) = shared_util::net::listening_address(&line) {
                let _ = address_tx.send(address);
            }
            // `Worker 2: Processed order Order { id: 7, seconds: 3 }`
            if let Some(rest) = line.split_once("Processed order Order { id: ") {
                let digits: String = rest.1.chars().take_while(char::is_ascii_digit).collect();
                if let Ok(id) = digits.parse::<u64>() {
                    seen.lock().unwrap_or_else(|e| e.into_inner()).insert(id);
                }
            }
        }
    });
    let address = address_rx
        .recv_timeout(Duration::from_secs(20))
        .map_err(|_| anyhow::anyhow!("12.3 did not start listening"))?;
    let placed = Arc::new(Mutex::new(Vec::new()));
    let flooding = flood(address, Arc::clone(&placed));
    placed_at_least(&placed, ORDERS / 3).await?;
    child.0.kill()?;
    child.0.wait()?;
    flooding.abort();
    let _ = reader.join();
    let placed = placed.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let processed = processed.lock().unwrap_or_else(|e| e.into_inner()).clone();
    // Counted among the orders told placed only (a 0 s order can be done
    // before its client hears "placed").
    let done = placed.iter().filter(|id| processed.contains(id)).count();
    Ok(format!(
        "  12.3  in-memory queue: {} order(s) told placed, {done} processed before the kill, {} lost with the process",
        placed.len(),
        placed.len() - done
    ))
}

/// 12.11's processes on a demo broker: kill the app and a worker holding
/// an order, restart the app, wait; count what was never processed.
async fn on_redis() -> anyhow::Result<String> {
    let demo = DemoRedis::start()?;
    let url = demo.url().to_owned();
    let prefix = "rct:crash:";
    let mut broker = Broker::connect(&url, Keys::new(prefix)).await?;
    let names: Vec<String> = (1..=5).map(|i| format!("w{i}")).collect();
    let mut workers = Workers::start(&url, prefix, &names, SCALE, false)?;
    broker
        .wait_for_workers(&names, Duration::from_secs(10))
        .await?;
    let app = AppChild::start(&url, prefix, 12, false).await?;
    let placed = Arc::new(Mutex::new(Vec::new()));
    let flooding = flood(app.address, Arc::clone(&placed));
    placed_at_least(&placed, ORDERS / 3).await?;
    app.kill().await?;
    flooding.abort();
    // A worker dies too, holding an order, if one holds any now.
    let mut killed = None;
    for name in &names {
        if !broker.held_by(name).await?.is_empty() {
            workers.kill(name).await?;
            killed = Some(name.clone());
            break;
        }
    }
    let app = AppChild::start(&url, prefix, 13, false).await?;
    let placed = placed.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let bound = claim_after(SCALE) + Duration::from_secs(30);
    let tally = wait_processed(&mut broker, &placed, bound).await?;
    app.interrupt().await?;
    workers.stop().await;
    drop(demo);
    let lost = placed
        .iter()
        .filter(|id| !tally.done.contains_key(id))
        .count();
    Ok(format!(
        "  12.11 Redis stream:    {} order(s) told placed, {} processed after the app restarted ({}), {lost} lost",
        placed.len(),
        placed
            .iter()
            .filter(|id| tally.done.contains_key(id))
            .count(),
        match killed {
            Some(name) => format!(
                "{name} killed too; its order taken over: {}",
                crate::broker::numbers(tally.claimed.keys())
            ),
            None => "no worker held an order at the kill".to_owned(),
        }
    ))
}

/// A child killed when dropped (an early return must not leave 12.3
/// running).
struct KilledOnDrop(Child);

impl Drop for KilledOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
