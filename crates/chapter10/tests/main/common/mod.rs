//! The PostgreSQL server the tests of one test binary share: started once,
//! loaded with chapter 5's products, never dropped (when the test process
//! ends, its supervisor stops it and deletes its directory). Without
//! PostgreSQL the tests that need it are reported ignored, except under CI.

#![allow(dead_code)]

use std::sync::OnceLock;

use shared_util::demo::database::DemoDatabase;
use shared_util::demo::products::{self, Stage};

/// The URL of the shared server's `products` database.
pub fn database_url() -> &'static str {
    static SERVER: OnceLock<DemoDatabase> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            test_harness::require(test_harness::Tool::Postgres);
            let database = DemoDatabase::start().expect("the demo database starts");
            products::prepare_blocking(database.url(), Stage::Products, products::DEFAULT_SEED)
                .expect("the products load");
            database
        })
        .url()
        .as_str()
}
