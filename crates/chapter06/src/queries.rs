//! Listing 6.15's child: one process, one runtime, one pool, querying.
//!
//! The book's `run_in_new_loop`: every child process starts an event loop
//! of its own and a pool of its own, and gathers its share of chapter 5's
//! product queries. Here the child is this binary re-run as
//! `__worker query-products URL QUERIES POOL CLIENT_US`; it builds a
//! current-thread Tokio runtime and a deadpool-postgres pool
//! (`shared_util::demo::db`), and reports the rows it got as one `retrieved N`
//! line for the parent to add up.
//!
//! It also reports where the CPU went while it queried, as one
//! `cpu CLIENT_US SERVER_US` line: its own CPU time, and that of the
//! PostgreSQL backends serving its pool's connections (each connection is
//! one server process; their pids come from `pg_backend_pid()` and their
//! CPU time from `/proc`, so `?` when the server is not on this machine).
//! `CLIENT_US` above 0 adds that much CPU work to every query, as a driver
//! that decodes rows in Python (asyncpg) spends it.

use futures::future::try_join_all;
use shared_util::async_timed;
use shared_util::demo::database::DatabaseUrl;
use shared_util::demo::db::{Pool, Wanted};
use shared_util::demo::products::{DEFAULT_SEED, PRODUCT_QUERY};
use shared_util::sys::{cpu_time, cpu_time_of};
use std::time::Duration;

use crate::process::die_with_parent;

/// Borrows a connection from the pool for one query (5.7's `query_product`),
/// then spends `extra_work` counts of CPU on the rows.
async fn query_product(pool: &Pool, extra_work: u64) -> anyhow::Result<usize> {
    let connection = pool.get().await?;
    let statement = connection.prepare_cached(PRODUCT_QUERY).await?;
    let rows = connection.query(&statement, &[]).await?.len();
    if extra_work > 0 {
        shared_util::cpu::count_to(extra_work);
    }
    Ok(rows)
}

#[async_timed(skip(pool, extra_work))]
async fn query_products_concurrently(
    pool: &Pool,
    queries: usize,
    extra_work: u64,
) -> anyhow::Result<usize> {
    let queries = (0..queries).map(|_| query_product(pool, extra_work));
    Ok(try_join_all(queries).await?.len())
}

/// The pids of the server processes behind the pool's `size` connections
/// (all open: `pool_at` opens them up front), if they run on this machine.
async fn backend_pids(pool: &Pool, size: usize) -> anyhow::Result<Option<Vec<u32>>> {
    let connections = try_join_all((0..size).map(|_| pool.get())).await?;
    let mut pids = Vec::new();
    for connection in &connections {
        let pid: i32 = connection
            .query_one("SELECT pg_backend_pid()", &[])
            .await?
            .get(0);
        let pid = u32::try_from(pid)?;
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() != "postgres" {
            return Ok(None); // a server elsewhere, or not PostgreSQL's own processes
        }
        pids.push(pid);
    }
    Ok(Some(pids))
}

/// CPU time of every process in `pids` (those still running): to the
/// nanosecond from the scheduler's `/proc/PID/schedstat` where the kernel
/// keeps it, else in clock ticks (10 ms) from `/proc/PID/stat`.
fn cpu_of(pids: &[u32]) -> Duration {
    let one = |pid: &u32| {
        std::fs::read_to_string(format!("/proc/{pid}/schedstat"))
            .ok()
            .and_then(|stat| stat.split_whitespace().next()?.parse().ok())
            .map(Duration::from_nanos)
            .filter(|cpu| !cpu.is_zero())
            .or_else(|| cpu_time_of(*pid))
    };
    pids.iter().filter_map(one).sum()
}

/// `query-products URL QUERIES POOL CLIENT_US`: the child's `main`.
pub fn worker(args: &[String]) -> anyhow::Result<()> {
    die_with_parent();
    let [url, queries, pool_size, client_us] = args else {
        anyhow::bail!("query-products takes URL QUERIES POOL CLIENT_US");
    };
    let url = DatabaseUrl::parse(url).map_err(anyhow::Error::msg)?;
    let (queries, pool_size): (usize, usize) = (queries.parse()?, pool_size.parse()?);
    let client_us: u64 = client_us.parse()?;
    let extra_work = match client_us {
        0 => 0,
        us => shared_util::cpu::count_for(Duration::from_micros(us)),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (products, client, server) = runtime.block_on(async {
        // The parent built the database; the child only reads it.
        let wanted = Wanted {
            stage: None,
            seed: DEFAULT_SEED,
            application: "rust-concurrency-chapter06".into(),
        };
        let pool = shared_util::demo::db::pool_at(&url, pool_size, wanted).await?;
        let backends = backend_pids(&pool, pool_size).await?;
        let (client_before, server_before) = (cpu_time(), backends.as_deref().map(cpu_of));
        let products = query_products_concurrently(&pool, queries, extra_work).await;
        let client = cpu_time().saturating_sub(client_before);
        let server = backends
            .as_deref()
            .map(cpu_of)
            .zip(server_before)
            .map(|(after, before)| after.saturating_sub(before));
        pool.close();
        let products = products.map_err(|e| e.context(format!("querying {url}")))?;
        anyhow::Ok((products, client, server))
    })?;
    println!("retrieved {products}");
    let server = server.map_or("?".to_owned(), |cpu| cpu.as_micros().to_string());
    println!("cpu {} {server}", client.as_micros());
    Ok(())
}
