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
