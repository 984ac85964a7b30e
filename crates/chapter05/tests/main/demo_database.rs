//! The demo database every database listing uses (shared-util's
//! `demo_db`), on the machine's own PostgreSQL: it starts, serves the
//! products database, and leaves nothing behind when dropped. It is tested
//! here, in the first database chapter, so that only the chapters whose
//! tests need PostgreSQL look for it when they build.

use std::time::Instant;

use shared_util::demo::database::DemoDatabase;
use shared_util::demo::products::{self, Stage};

#[test]
#[cfg_attr(not(has_postgres), ignore = "PostgreSQL not found: apt install postgresql")]
fn starts_serves_and_leaves_nothing_behind() {
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
