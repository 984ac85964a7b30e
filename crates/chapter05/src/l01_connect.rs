//! Listing 5.1 — Connect and print the server's version.
//!
//! `asyncpg.connect` becomes `tokio_postgres::Config::connect`, which
//! returns two halves: a `Client` to send queries with and a `Connection`
//! that drives the socket, spawned as a task of its own (`db::connect`
//! does it). tokio-postgres keeps no server version on the client, so we
//! ask the server. Dropping the client closes the connection, as
//! `connection.close()` does.
//!
//! Run: cargo run -p chapter05 -- 5.1

use shared_util::Ctx;

use crate::db;

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let connection = db::connect(ctx, None).await?;
    let version: String = connection
        .query_one("SHOW server_version", &[])
        .await?
        .get(0);
    println!("Connected! Postgres version is {version}");
    drop(connection); // closes the connection
    Ok(())
}
