//! The demo server over real HTTP on loopback: its routes, its errors, and
//! its counters under 100 concurrent requests.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use shared_util::demo::server::{DemoConfig, DemoServer};

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
        ..DemoConfig::default()
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
        ..DemoConfig::default()
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
    use shared_util::demo::server::site;
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
    use shared_util::demo::server::site;
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
    use shared_util::demo::server::site;
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

// --- Limits: slow or silent clients cannot hold the server ---

use std::io::{Read as _, Write as _};
use std::net::TcpStream;

use shared_util::demo::server::Limits;

fn limited(limits: Limits) -> DemoServer {
    DemoServer::start_limited(DemoConfig::default(), limits).unwrap()
}

/// Reads until the server closes the connection (or 30 s pass); returns
/// what it sent.
fn read_to_close(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut seen = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return String::from_utf8_lossy(&seen).into_owned(),
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return String::from_utf8_lossy(&seen).into_owned();
            }
            Err(e) => panic!("the server kept the connection open ({e}) after {seen:?}"),
        }
    }
}

#[test]
fn status_codes_outside_200_to_599_are_refused() {
    let server = DemoServer::start().unwrap();
    for code in [100, 199, 600, 999] {
        let (status, body) = get(&format!("{}/status/{code}", server.url()));
        assert_eq!(status, 400, "/status/{code}");
        assert!(body.contains("from 200 to 599"), "{body}");
    }
    assert_eq!(get(&format!("{}/status/599", server.url())).0, 599);
}

#[test]
fn routing_by_hand_answers_as_a_router_would() {
    let server = DemoServer::start().unwrap();
    let url = |path: &str| format!("{}{path}", server.url());
    // The segment is percent-decoded: 5%303 is 503.
    assert_eq!(get(&url("/status/5%303")).0, 503);
    // One segment, no more and no less.
    for path in ["/status/", "/status/200/", "/delay/1/2", "/site", "/index"] {
        let (status, body) = get(&url(path));
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("/delay/{ms}, /status/{code}"), "{body}");
    }
    // A method other than GET (and HEAD) on a route is 405, with Allow.
    let answer = exchange_raw(&server, "POST /status/200", "Content-Length: 0\r\n");
    assert!(answer.starts_with("http/1.1 405"), "{answer}");
    assert!(answer.contains("allow: get,head"), "{answer}");
    // HEAD: the headers of GET, no body.
    let answer = exchange_raw(&server, "HEAD /", "");
    assert!(answer.starts_with("http/1.1 200"), "{answer}");
    assert!(answer.contains("content-type: text/html"), "{answer}");
    assert!(!answer.contains("demo domain"), "{answer}");
    // Every request reached the counters, the 404s and the 405 included.
    assert_eq!(server.stats().requests, 8);
}

/// Sends `request_line` with `headers` on a new connection that asks to
/// be closed, and returns the whole answer, lowercased.
fn exchange_raw(server: &DemoServer, request_line: &str, headers: &str) -> String {
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    let request =
        format!("{request_line} HTTP/1.1\r\nHost: demo\r\n{headers}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    read_to_close(&mut stream).to_lowercase()
}

#[test]
fn a_header_sent_a_line_at_a_time_is_cut_off_at_the_header_timeout() {
    let server = limited(Limits {
        header_timeout: Duration::from_secs(1),
        ..Limits::default()
    });
    let mut slow = TcpStream::connect(server.addr()).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    let mut writer = slow.try_clone().unwrap();
    // A slowloris: a header line every 200 ms, for up to a minute.
    let dribble = std::thread::spawn(move || {
        for _ in 0..300 {
            std::thread::sleep(Duration::from_millis(200));
            if writer.write_all(b"X-Slow: 1\r\n").is_err() {
                return true;
            }
        }
        false
    });
    // Without the timeout this read would wait the whole minute and fail.
    read_to_close(&mut slow);
    drop(slow);
    assert!(
        dribble.join().unwrap(),
        "the server read the whole minute of header"
    );
    // The server itself is fine.
    assert_eq!(get(&format!("{}/", server.url())).0, 200);
}

#[test]
fn a_client_that_sends_nothing_is_closed_at_the_header_timeout() {
    let server = limited(Limits {
        header_timeout: Duration::from_secs(1),
        ..Limits::default()
    });
    let mut silent = TcpStream::connect(server.addr()).unwrap();
    assert_eq!(read_to_close(&mut silent), "");
}

#[test]
fn past_the_connection_cap_clients_wait_until_a_connection_ends() {
    let server = limited(Limits {
        max_connections: 2,
        header_timeout: Duration::from_secs(60),
        ..Limits::default()
    });
    let first = TcpStream::connect(server.addr()).unwrap();
    let _second = TcpStream::connect(server.addr()).unwrap();
    let url = format!("{}/", server.url());
    let (sender, answered) = std::sync::mpsc::channel();
    let third = std::thread::spawn(move || sender.send(get(&url).0).unwrap());
    // Both slots are held by clients that send nothing: the third waits
    // in the accept queue.
    assert!(
        answered.recv_timeout(Duration::from_millis(500)).is_err(),
        "a third connection was served past a cap of 2"
    );
    drop(first);
    assert_eq!(answered.recv_timeout(Duration::from_secs(30)), Ok(200));
    third.join().unwrap();
}

#[test]
fn shutdown_waits_for_a_request_in_flight_only_as_long_as_the_grace() {
    let server = limited(Limits {
        grace: Duration::from_millis(300),
        ..Limits::default()
    });
    let mut client = TcpStream::connect(server.addr()).unwrap();
    client
        .write_all(b"GET /delay/60000 HTTP/1.1\r\nHost: demo\r\n\r\n")
        .unwrap();
    while server.stats().in_flight == 0 {
        std::thread::sleep(Duration::from_millis(10));
    }
    let started = std::time::Instant::now();
    server.shutdown();
    // The request would take a minute; the shutdown gives it 300 ms.
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(read_to_close(&mut client), "");
}

#[test]
fn the_readme_lists_every_route_as_routes_says() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the README");
    for route in shared_util::demo::server::ROUTES {
        let line = format!("- `{}` — {}", route.path, route.about);
        assert!(readme.contains(&line), "README lacks: {line}");
    }
}
