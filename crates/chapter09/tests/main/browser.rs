//! 9.10 in a real browser: headless Chromium driven over WebDriver
//! (fantoccini talking to chromedriver). Two tabs open the page and both
//! show 2; one closes and the other shows 1.
//!
//! Needs `chromium` and `chromedriver` (Debian: `apt-get install chromium
//! chromium-driver`; `.ci/run` installs them). Without them the test is
//! reported ignored, except under CI, where it fails.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::BIN;
use fantoccini::{Client, ClientBuilder, Locator};
use test_harness::{ServerChild, Signal, Tool};

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(program: &PathBuf) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", program.display()));
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits (up to 15 s) until the page's counter reads `expected`.
async fn wait_for_count(client: &Client, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(counter) = client.find(Locator::Css("#counter")).await {
            last = counter.text().await.unwrap_or_default();
            if last == expected {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page showed {last:?}, not {expected:?}");
}

#[test]
#[cfg_attr(not(has_chromium), ignore = "chromium not found: apt install chromium-driver")]
fn two_tabs_show_2_and_closing_one_shows_1() {
    test_harness::require(Tool::Chromium);
    let browser = test_harness::host_tools::chromium().expect("chromium is here");
    let (driver, chromium) = (browser.driver, browser.browser);
    let mut server = ServerChild::start(BIN, &["9.10"]);
    let page = format!("http://127.0.0.1:{}/", server.port);
    let driver = Driver::start(&driver);
    let profile = std::env::temp_dir().join(format!("ch09-chromium-{}", std::process::id()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         format!("--user-data-dir={}", profile.display())],
            }),
        );
        // chromedriver speaks plain HTTP on loopback: no TLS needed.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .expect("a browser session");
        client.goto(&page).await.unwrap();
        wait_for_count(&client, "1").await;
        let first = client.window().await.unwrap();
        let second = client.new_window(true).await.unwrap().handle;
        client.switch_to_window(second.clone()).await.unwrap();
        client.goto(&page).await.unwrap();
        wait_for_count(&client, "2").await;
        client.switch_to_window(first.clone()).await.unwrap();
        wait_for_count(&client, "2").await;
        client.switch_to_window(second).await.unwrap();
        client.close_window().await.unwrap();
        client.switch_to_window(first).await.unwrap();
        wait_for_count(&client, "1").await;
        client.close().await.unwrap();
    });
    server.wait_for("client 2 disconnected: 1 online");
    server.signal(Signal::SIGINT);
    assert_eq!(server.wait_exit(Duration::from_secs(30)), Some(0));
    let _ = std::fs::remove_dir_all(profile);
}
