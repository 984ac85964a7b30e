//! The demo database on the machine's own PostgreSQL: it starts, serves
//! the products database, and leaves nothing behind when dropped. Skipped
//! with a note where PostgreSQL is not installed, except under CI.

use std::time::Instant;

use shared_util::demo_db::{DemoDatabase, NO_POSTGRES, server_programs};
use shared_util::products::{self, Stage};

/// False (after saying so) when this machine cannot run the test.
fn postgres_here() -> bool {
    if server_programs().is_some() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI needs PostgreSQL: {NO_POSTGRES}"
    );
    eprintln!("skipped: {NO_POSTGRES}");
    false
}

#[test]
fn starts_serves_and_leaves_nothing_behind() {
    if !postgres_here() {
        return;
    }
    let started = Instant::now();
    let database = DemoDatabase::start().expect("the demo database starts");
    eprintln!("started in {:?}", started.elapsed());
    let root = database.root().to_path_buf();
    assert!(root.join("data/PG_VERSION").exists());
    assert!(
        database
            .url()
            .as_str()
            .starts_with("postgres://postgres@127.0.0.1:")
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let counts = runtime.block_on(async {
        let (client, connection) =
            tokio_postgres::connect(database.url().as_str(), tokio_postgres::NoTls).await?;
        tokio::spawn(connection);
        let loading = Instant::now();
        let built = products::prepare(&client, Stage::Products, products::DEFAULT_SEED).await?;
        eprintln!("loaded {built:?} in {:?}", loading.elapsed());
        assert_eq!(built.len(), 3, "{built:?}");
        // A second call finds everything there.
        assert!(
            products::prepare(&client, Stage::Products, 1)
                .await?
                .is_empty()
        );
        let mut counts = Vec::new();
        for table in ["brand", "product", "sku", "product_size", "product_color"] {
            let row = client
                .query_one(&format!("SELECT count(*) FROM {table}"), &[])
                .await?;
            counts.push(row.get::<_, i64>(0));
        }
        anyhow::Ok(counts)
    });
    assert_eq!(counts.unwrap(), [100, 1000, 100_000, 3, 2]);

    let stopping = Instant::now();
    drop(database);
    eprintln!("stopped in {:?}", stopping.elapsed());
    assert!(!root.exists(), "{} is left", root.display());
}
