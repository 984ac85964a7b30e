//! The PostgreSQL server the tests of one test binary share: started once,
//! loaded with chapter 5's products, never dropped (when the test process
//! ends, its supervisor stops it and deletes its directory). Without
//! PostgreSQL the tests say they are skipped, except under CI.

#![allow(dead_code)]

use std::sync::OnceLock;

use shared_util::demo_db::DemoDatabase;
use shared_util::products::{self, Stage};

/// The URL of the shared server's `products` database, or `None` (after a
/// note) where PostgreSQL is not installed.
pub fn database_url() -> Option<&'static str> {
    static SERVER: OnceLock<Option<DemoDatabase>> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            if !test_harness::needs_postgres("chapter 10's database tests") {
                return None;
            }
            let database = DemoDatabase::start().expect("the demo database starts");
            products::prepare_blocking(database.url(), Stage::Products, products::DEFAULT_SEED)
                .expect("the products load");
            Some(database)
        })
        .as_ref()
        .map(|database| database.url().as_str())
}
