//! The demo server over real HTTP on loopback: its routes, its errors, and
//! its counters under 100 concurrent requests.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use shared_util::demo_server::{DemoConfig, DemoServer};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn get(url: &str) -> (u16, String) {
    let mut response = agent().get(url).call().expect("the demo server answers");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().expect("a text body");
    (status, body)
}

#[test]
fn serves_an_example_page_at_the_root() {
    let server = DemoServer::start().unwrap();
    assert!(server.url().starts_with("http://127.0.0.1:"));
    let (status, body) = get(&format!("{}/", server.url()));
    assert_eq!(status, 200);
    assert!(body.contains("<title>Demo Domain</title>"));
    assert_eq!(server.stats().requests, 1);
}

#[test]
fn status_answers_with_the_code_asked_for() {
    let server = DemoServer::start().unwrap();
    for code in [200, 404, 503] {
        assert_eq!(get(&format!("{}/status/{code}", server.url())).0, code);
    }
    assert_eq!(get(&format!("{}/status/abc", server.url())).0, 400);
    assert_eq!(get(&format!("{}/status/42", server.url())).0, 400);
    assert_eq!(get(&format!("{}/nowhere", server.url())).0, 404);
}

#[test]
fn delay_waits_before_answering() {
    let server = DemoServer::start().unwrap();
    let start = std::time::Instant::now();
    let (status, body) = get(&format!("{}/delay/250", server.url()));
    assert_eq!((status, body.as_str()), (200, "waited 250 ms\n"));
    // A lower bound only: the server must not answer early.
    assert!(start.elapsed() >= Duration::from_millis(250));
    assert_eq!(get(&format!("{}/delay/lots", server.url())).0, 400);
    assert_eq!(get(&format!("{}/delay/600000", server.url())).0, 400);
}

#[test]
fn latency_is_added_to_every_request() {
    let server = DemoServer::start_with(DemoConfig {
        port: 0,
        latency: Duration::from_millis(200),
    })
    .unwrap();
    let start = std::time::Instant::now();
    assert_eq!(get(&format!("{}/", server.url())).0, 200);
    assert!(start.elapsed() >= Duration::from_millis(200));
}

#[test]
fn counts_the_peak_number_of_requests_in_flight() {
    let server = DemoServer::start().unwrap();
    let url = format!("{}/delay/1000", server.url());
    // Every thread sends its request at the same moment; each is held for a
    // second by the server, so all 100 are in flight together.
    let barrier = Arc::new(Barrier::new(100));
    let threads: Vec<_> = (0..100)
        .map(|_| {
            let (url, barrier) = (url.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                get(&url).0
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap(), 200);
    }
    let stats = server.stats();
    assert_eq!(stats.requests, 100);
    assert_eq!(stats.peak_in_flight, 100);
    assert_eq!(stats.in_flight, 0);

    server.reset_stats();
    assert_eq!(server.stats().peak_in_flight, 0);
    assert_eq!(server.stats().requests, 0);
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let first = DemoServer::start().unwrap();
    let error = DemoServer::start_with(DemoConfig {
        port: first.addr().port(),
        latency: Duration::ZERO,
    })
    .unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("is already in use"), "{message}");
    assert!(message.contains("--port"), "{message}");
}

#[test]
fn shutdown_stops_the_server() {
    let server = DemoServer::start().unwrap();
    let addr = server.addr();
    server.shutdown();
    assert!(std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err());
}

#[test]
fn the_generated_site_serves_pages_with_their_links() {
    use shared_util::demo_server::site;
    let server = DemoServer::start().unwrap();
    let (status, body) = get(&format!("{}{}", server.url(), site::HOME));
    assert_eq!(status, 200);
    assert!(body.contains("<title>Page 0</title>"), "{body}");
    for link in site::links(0) {
        assert!(
            body.contains(&format!("href=\"{link}\"")),
            "{link} in {body}"
        );
    }
    // A page deep in the tree links up, home, to itself and to no child.
    let (status, body) = get(&format!("{}/site/999", server.url()));
    assert_eq!(status, 200);
    assert!(body.contains("href=\"/site/199\">up</a>"), "{body}");
    assert!(body.contains("href=\"/site/0\">home</a>"), "{body}");
    assert_eq!(body.matches("<li>").count(), 0, "{body}");
}

#[test]
fn the_generated_site_has_broken_links_and_slow_pages() {
    use shared_util::demo_server::site;
    let server = DemoServer::start().unwrap();
    // Page 3 carries a broken link; following it gives a 404.
    assert!(site::is_broken_link_on(3));
    let (_, body) = get(&format!("{}/site/3", server.url()));
    let broken = site::path(site::PAGES + 3);
    assert!(body.contains(&format!("href=\"{broken}\"")), "{body}");
    let (status, body) = get(&format!("{}{broken}", server.url()));
    assert_eq!(status, 404);
    assert!(body.contains("/site/0 to /site/999"), "{body}");
    assert_eq!(get(&format!("{}/site/home", server.url())).0, 404);
    // Page 19 is slow: a lower bound only, the server must not answer early.
    assert!(site::is_slow(19));
    let start = std::time::Instant::now();
    assert_eq!(get(&format!("{}/site/19", server.url())).0, 200);
    assert!(start.elapsed() >= site::SLOW_PAGE_DELAY);
}

#[test]
fn every_page_within_depth_2_links_where_the_site_description_says() {
    use shared_util::demo_server::site;
    let server = DemoServer::start().unwrap();
    // Walk the real server breadth first and compare with `site::crawl`.
    let mut found = std::collections::BTreeMap::from([(0_u32, 0_usize)]);
    let mut level = vec![0_u32];
    for depth in 0..2 {
        let mut next = Vec::new();
        for page in level {
            let (status, body) = get(&format!("{}{}", server.url(), site::path(page)));
            assert_eq!(status, 200, "page {page}");
            for href in body.split("href=\"").skip(1) {
                let href = &href[..href.find('"').unwrap()];
                if let Some(target) = site::page_of(href)
                    && !found.contains_key(&target)
                {
                    found.insert(target, depth + 1);
                    next.push(target);
                }
            }
        }
        level = next;
    }
    assert_eq!(found, site::crawl(2));
}
