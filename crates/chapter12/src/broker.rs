//! Chapter 12's orders on a real broker (12.11, 12.12): a Redis stream
//! with a consumer group, in place of the in-memory queue of 12.3.
//!
//! The web app adds each order to the stream (`XADD`) and tells the client
//! "placed" only once Redis has it. Workers are separate OS processes that
//! read with the group (`XREADGROUP ... >`): Redis hands each entry to one
//! of them and keeps it on that worker's pending list until the worker
//! acknowledges it (`XACK`) after processing. A worker that dies holding an
//! entry leaves it pending; after [`Broker::next_for`]'s idle bound another
//! worker takes it over (`XAUTOCLAIM`) and finishes it. That is
//! at-least-once delivery: an order can be processed twice (its worker died
//! after processing, before acknowledging), never lost. The record of what
//! was processed (`done`, `times`, `claimed`) lives in Redis too, so a run
//! can account for every order by number, across processes and restarts.
//!
//! All keys share a prefix (`rct:` for 12.11), so a server of the user's
//! (`--redis-url`) keeps them apart from its own data.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use anyhow::Context as _;
use redis::AsyncCommands as _;
use redis::aio::MultiplexedConnection;
use redis::streams::{StreamAutoClaimOptions, StreamId, StreamReadOptions, StreamReadReply};

/// The consumer group every worker reads with.
pub const GROUP: &str = "workers";

/// The prefix 12.11's keys share: a restart against the same server finds
/// the orders of the run before.
pub const PREFIX: &str = "rct:";

/// How long connecting, and any one command, may take.
const BOUND: Duration = Duration::from_secs(5);

/// How long one read waits for a new order before the worker looks for
/// abandoned ones again.
const BLOCK: Duration = Duration::from_millis(500);

/// A `--redis-url` value: checked when the command line is parsed.
pub fn parse_url(text: &str) -> Result<String, String> {
    let hint = "give redis://HOST:PORT[/DB] (redis://:PASSWORD@HOST:PORT with a password)";
    if !text.starts_with("redis://") {
        return Err(format!("invalid --redis-url '{text}': {hint}"));
    }
    redis::Client::open(text)
        .map(|_| text.to_owned())
        .map_err(|e| format!("invalid --redis-url '{text}': {e}; {hint}"))
}

/// A URL fit to print: any password replaced by `***`.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &credentials[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The key names under one prefix.
#[derive(Debug, Clone)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    /// The keys under `prefix` (`rct:`).
    pub fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_owned(),
        }
    }

    /// The stream of orders.
    pub fn stream(&self) -> String {
        format!("{}orders", self.prefix)
    }

    /// The counter that numbers orders (survives app restarts).
    fn next(&self) -> String {
        format!("{}next-order", self.prefix)
    }

    /// Order number -> the worker that processed it.
    fn done(&self) -> String {
        format!("{}done", self.prefix)
    }

    /// Order number -> how many times it was processed.
    fn times(&self) -> String {
        format!("{}times", self.prefix)
    }

    /// Order number -> `w1 -> w4`: taken over from a worker that stopped.
    fn claimed(&self) -> String {
        format!("{}claimed", self.prefix)
    }

    /// Every key, for a run that cleans up after itself.
    fn all(&self) -> [String; 5] {
        [
            self.stream(),
            self.next(),
            self.done(),
            self.times(),
            self.claimed(),
        ]
    }
}

/// An order as a worker receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The stream entry's id (`1733412345678-0`), what `XACK` takes.
    pub entry: String,
    /// The order's number.
    pub id: u64,
    /// Seconds of work (0 to 4, as in 12.3).
    pub seconds: u32,
    /// Taken over from this worker, idle this long, when it had stopped.
    pub claimed_from: Option<(String, Duration)>,
}

/// What the broker's record says about every order, by number.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Orders in the stream (every one a client was told "placed").
    pub in_stream: BTreeSet<u64>,
    /// Processed orders and the worker that finished each.
    pub done: BTreeMap<u64, String>,
    /// Orders processed more than once, and how many times.
    pub repeated: BTreeMap<u64, u64>,
    /// Orders taken over from a worker that stopped: `w1 -> w4`.
    pub claimed: BTreeMap<u64, String>,
}

impl Tally {
    /// Orders in the stream not processed yet.
    pub fn waiting(&self) -> Vec<u64> {
        self.in_stream
            .iter()
            .filter(|id| !self.done.contains_key(id))
            .copied()
            .collect()
    }
}

/// `#3 #7 #12`, or `none`.
pub fn numbers<'a>(ids: impl IntoIterator<Item = &'a u64>) -> String {
    let list: Vec<String> = ids.into_iter().map(|id| format!("#{id}")).collect();
    if list.is_empty() {
        "none".to_owned()
    } else {
        list.join(" ")
    }
}

/// One connection to the broker and the keys it works on.
#[derive(Clone)]
pub struct Broker {
    connection: MultiplexedConnection,
    keys: Keys,
}

impl Broker {
    /// Connects (bounded by 5 s, as the database listings are) and makes
    /// sure the stream and its group exist.
    pub async fn connect(url: &str, keys: Keys) -> anyhow::Result<Self> {
        let where_ = redacted(url);
        let client =
            redis::Client::open(url).with_context(|| format!("invalid Redis URL {where_}"))?;
        // A blocking read waits up to BLOCK; answers get BOUND beyond it.
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(BOUND))
            .set_response_timeout(Some(BOUND + BLOCK));
        let connection = tokio::time::timeout(
            BOUND,
            client.get_multiplexed_async_connection_with_config(&config),
        )
        .await
        .map_err(|_| anyhow::anyhow!("no answer within {} s", BOUND.as_secs()))
        .and_then(|connected| connected.map_err(anyhow::Error::from))
        .with_context(|| format!("cannot reach the Redis server at {where_}"))?;
        let mut broker = Self { connection, keys };
        broker.create_group().await?;
        Ok(broker)
    }

    /// `XGROUP CREATE stream workers 0 MKSTREAM`, once: the group reads the
    /// stream from its start, so orders placed before any worker joined
    /// are processed too.
    async fn create_group(&mut self) -> anyhow::Result<()> {
        let stream = self.keys.stream();
        let created: redis::RedisResult<()> = self
            .connection
            .xgroup_create_mkstream(&stream, GROUP, "0")
            .await;
        match created {
            Ok(()) => Ok(()),
            Err(e) if e.code() == Some("BUSYGROUP") => Ok(()),
            Err(e) => Err(e).context("could not create the consumer group"),
        }
    }

    /// Joins the group as worker `me` (`XGROUP CREATECONSUMER`) before the
    /// first read, so the run can see who is there
    /// ([`Broker::wait_for_workers`]): a read that finds nothing would not
    /// make the consumer on Redis 7.0.
    pub async fn join(&mut self, me: &str) -> anyhow::Result<()> {
        let _: i64 = redis::cmd("XGROUP")
            .arg("CREATECONSUMER")
            .arg(self.keys.stream())
            .arg(GROUP)
            .arg(me)
            .query_async(&mut self.connection)
            .await?;
        Ok(())
    }

    /// The server's version (`7.0.15`); XAUTOCLAIM needs 6.2 or later.
    pub async fn version(&mut self) -> anyhow::Result<String> {
        let info: String = redis::cmd("INFO")
            .arg("server")
            .query_async(&mut self.connection)
            .await?;
        Ok(info
            .lines()
            .find_map(|line| line.strip_prefix("redis_version:"))
            .unwrap_or("?")
            .trim()
            .to_owned())
    }

    /// Adds an order of `seconds` to the stream; returns its number once
    /// Redis has it.
    pub async fn place(&mut self, seconds: u32) -> anyhow::Result<u64> {
        let id: u64 = self.connection.incr(self.keys.next(), 1).await?;
        let _: Option<String> = self
            .connection
            .xadd(
                self.keys.stream(),
                "*",
                &[("id", id.to_string()), ("seconds", seconds.to_string())],
            )
            .await?;
        Ok(id)
    }

    /// The next order for worker `me`: first one another worker has held
    /// for longer than `claim_after` without acknowledging it (taken over),
    /// else a new one, waiting up to half a second. `None`: nothing yet.
    pub async fn next_for(
        &mut self,
        me: &str,
        claim_after: Duration,
    ) -> anyhow::Result<Option<Delivery>> {
        if let Some(delivery) = self.claim_abandoned(me, claim_after).await? {
            return Ok(Some(delivery));
        }
        let options = StreamReadOptions::default()
            .group(GROUP, me)
            .count(1)
            .block(BLOCK.as_millis() as usize);
        let reply: Option<StreamReadReply> = self
            .connection
            .xread_options(&[self.keys.stream()], &[">"], &options)
            .await?;
        let entry = reply
            .into_iter()
            .flat_map(|reply| reply.keys)
            .flat_map(|key| key.ids)
            .next();
        entry.map(|entry| delivery(&entry, None)).transpose()
    }

    /// `XPENDING ... IDLE` for the oldest entry held too long, then
    /// `XAUTOCLAIM` from it: Redis gives it to `me` only if it is still
    /// idle, so two workers never take the same one.
    async fn claim_abandoned(
        &mut self,
        me: &str,
        claim_after: Duration,
    ) -> anyhow::Result<Option<Delivery>> {
        let idle_ms = claim_after.as_millis() as u64;
        let pending: Vec<(String, String, u64, u64)> = redis::cmd("XPENDING")
            .arg(self.keys.stream())
            .arg(GROUP)
            .arg("IDLE")
            .arg(idle_ms)
            .arg("-")
            .arg("+")
            .arg(1)
            .query_async(&mut self.connection)
            .await?;
        let Some((entry, owner, idle, _deliveries)) = pending.into_iter().next() else {
            return Ok(None);
        };
        let reply: redis::streams::StreamAutoClaimReply = self
            .connection
            .xautoclaim_options(
                self.keys.stream(),
                GROUP,
                me,
                idle_ms,
                &entry,
                StreamAutoClaimOptions::default().count(1),
            )
            .await?;
        let Some(claimed) = reply.claimed.into_iter().find(|e| e.id == entry) else {
            return Ok(None); // another worker was quicker
        };
        let delivery = delivery(&claimed, Some((owner, Duration::from_millis(idle))))?;
        let _: () = self
            .connection
            .hset(
                self.keys.claimed(),
                delivery.id,
                format!(
                    "{} -> {me}",
                    delivery.claimed_from.as_ref().map_or("?", |c| &c.0)
                ),
            )
            .await?;
        Ok(Some(delivery))
    }

    /// Records order `delivery` as processed by `me`, then acknowledges it:
    /// in that order, so a worker killed in between leaves it pending (it
    /// is processed again), never acknowledged and unrecorded.
    pub async fn finish(&mut self, delivery: &Delivery, me: &str) -> anyhow::Result<()> {
        let _: () = redis::pipe()
            .hset(self.keys.done(), delivery.id, me)
            .ignore()
            .hincr(self.keys.times(), delivery.id, 1)
            .ignore()
            .query_async(&mut self.connection)
            .await?;
        let _: usize = self
            .connection
            .xack(self.keys.stream(), GROUP, &[&delivery.entry])
            .await?;
        Ok(())
    }

    /// Waits (at most `bound`) until every worker in `names` has joined the
    /// group ([`Broker::join`]), just before its first read: orders placed
    /// from then on can go to any of them.
    pub async fn wait_for_workers(
        &mut self,
        names: &[String],
        bound: Duration,
    ) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + bound;
        loop {
            let reply: redis::streams::StreamInfoConsumersReply = self
                .connection
                .xinfo_consumers(self.keys.stream(), GROUP)
                .await?;
            let missing: Vec<&String> = names
                .iter()
                .filter(|name| !reply.consumers.iter().any(|c| &c.name == *name))
                .collect();
            if missing.is_empty() {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                anyhow::bail!(
                    "worker(s) {} did not start reading within {} s",
                    missing
                        .iter()
                        .map(|n| n.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    bound.as_secs()
                );
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The order numbers `worker` holds (delivered, not acknowledged).
    pub async fn held_by(&mut self, worker: &str) -> anyhow::Result<Vec<u64>> {
        let reply: redis::streams::StreamPendingCountReply = self
            .connection
            .xpending_consumer_count(self.keys.stream(), GROUP, "-", "+", 100, worker)
            .await?;
        let mut held = Vec::new();
        for pending in reply.ids {
            let entries: redis::streams::StreamRangeReply = self
                .connection
                .xrange(self.keys.stream(), &pending.id, &pending.id)
                .await?;
            held.extend(
                entries
                    .ids
                    .iter()
                    .filter_map(|e| delivery(e, None).ok().map(|d| d.id)),
            );
        }
        Ok(held)
    }

    /// Whether the group has every entry of the stream delivered and
    /// acknowledged (`XINFO GROUPS`: no lag, nothing pending), cheaply;
    /// `None` where the server cannot tell the lag.
    pub async fn drained(&mut self) -> anyhow::Result<Option<bool>> {
        let info: redis::streams::StreamInfoGroupsReply =
            self.connection.xinfo_groups(self.keys.stream()).await?;
        let group = info.groups.iter().find(|g| g.name == GROUP);
        Ok(group.and_then(|g| g.lag.map(|lag| lag == 0 && g.pending == 0)))
    }

    /// Every order, by number: in the stream, processed, repeated, taken
    /// over.
    pub async fn tally(&mut self) -> anyhow::Result<Tally> {
        let entries: redis::streams::StreamRangeReply =
            self.connection.xrange_all(self.keys.stream()).await?;
        let in_stream = entries
            .ids
            .iter()
            .filter_map(|e| delivery(e, None).ok().map(|d| d.id))
            .collect();
        let done: BTreeMap<u64, String> = self.connection.hgetall(self.keys.done()).await?;
        let times: BTreeMap<u64, u64> = self.connection.hgetall(self.keys.times()).await?;
        let claimed: BTreeMap<u64, String> = self.connection.hgetall(self.keys.claimed()).await?;
        Ok(Tally {
            in_stream,
            done,
            repeated: times.into_iter().filter(|(_, n)| *n > 1).collect(),
            claimed,
        })
    }

    /// Deletes every key of this prefix (12.12 cleans up after itself on
    /// a server of the user's).
    pub async fn delete_all(&mut self) -> anyhow::Result<()> {
        let _: usize = self.connection.del(&self.keys.all()).await?;
        Ok(())
    }
}

/// An entry's order, read from its fields.
fn delivery(
    entry: &StreamId,
    claimed_from: Option<(String, Duration)>,
) -> anyhow::Result<Delivery> {
    let field = |name: &str| -> anyhow::Result<u64> {
        let value: String = entry
            .get(name)
            .with_context(|| format!("stream entry {} has no {name}", entry.id))?;
        value
            .parse()
            .with_context(|| format!("stream entry {}: {name} is not a number", entry.id))
    };
    Ok(Delivery {
        entry: entry.id.clone(),
        id: field("id")?,
        seconds: u32::try_from(field("seconds")?).unwrap_or(u32::MAX),
        claimed_from,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_passwords_never_printed() {
        assert!(parse_url("redis://127.0.0.1:6379").is_ok());
        assert!(
            parse_url("127.0.0.1:6379")
                .unwrap_err()
                .contains("redis://HOST:PORT")
        );
        assert_eq!(
            redacted("redis://me:hunter2@127.0.0.1:6379/0"),
            "redis://me:***@127.0.0.1:6379/0"
        );
        assert_eq!(redacted("redis://:hunter2@host:1"), "redis://:***@host:1");
        assert_eq!(redacted("redis://host:1"), "redis://host:1");
    }

    #[test]
    fn numbers_read_as_a_list() {
        assert_eq!(numbers(&[3, 7]), "#3 #7");
        assert_eq!(numbers(&[]), "none");
    }
}
