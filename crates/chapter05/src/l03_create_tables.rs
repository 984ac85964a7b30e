//! Listing 5.3 — Create the product database, one statement at a time.
//!
//! Each statement runs in turn and its status is printed. A statement
//! string with several commands (the size inserts) goes through the simple
//! query protocol, as asyncpg's `execute` without arguments does. The
//! tables are created only if missing, so this runs again without error.
//!
//! Run: cargo run -p chapter05 -- 5.3

use shared_util::Ctx;
use shared_util::demo::products::SCHEMA;
use tokio_postgres::SimpleQueryMessage;

use crate::db;

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let connection = db::connect(ctx, None).await?;
    println!("Creating the product database...");
    for statement in SCHEMA {
        let replies = connection.simple_query(statement).await?;
        // One CommandComplete per command; the last one is the status.
        let rows = replies
            .iter()
            .rev()
            .find_map(|reply| match reply {
                SimpleQueryMessage::CommandComplete(rows) => Some(*rows),
                _ => None,
            })
            .unwrap_or(0);
        println!("{}", db::status(statement, rows));
    }
    println!("Finished creating the product database!");
    Ok(())
}
