//! The order apps (12.3, 12.7) as servers: a child process on a free port,
//! real HTTP from the test, and a real SIGINT in the middle of the orders.

use std::collections::BTreeSet;
use std::time::Duration;

use nix::sys::signal::Signal;
use test_harness::ServerChild;

const BIN: &str = env!("CARGO_BIN_EXE_chapter12");

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// POSTs `body` to `/order`; the status and the body, or `None` if the
/// server was not there to answer (it had stopped taking orders).
fn post_order(port: u16, body: &str) -> Option<(u16, String)> {
    let mut response = agent()
        .post(&format!("http://127.0.0.1:{port}/order"))
        .send(body)
        .ok()?;
    let status = response.status().as_u16();
    Some((status, response.body_mut().read_to_string().ok()?))
}

/// The order number in "Order #N placed!".
fn placed_id(body: &str) -> u64 {
    let rest = body.strip_prefix("Order #").expect(body);
    rest.split(' ').next().unwrap().parse().unwrap()
}

#[test]
fn ctrl_c_mid_stream_leaves_no_accepted_order_unprocessed() {
    let mut server = ServerChild::start(BIN, &["12.3", "--scale", "0.02"]);
    let port = server.port;
    server.wait_for("Worker 4: Waiting for an order...");
    // 40 clients at once against 5 workers and a queue of 10: most wait
    // for room. SIGINT arrives after the first orders are placed, while
    // others are still waiting or not yet sent.
    let clients: Vec<_> = (0..40)
        .map(|i| {
            std::thread::spawn(move || {
                if i >= 30 {
                    std::thread::sleep(Duration::from_millis(200));
                }
                post_order(port, "")
            })
        })
        .collect();
    server.wait_for("Processed order ");
    server.signal(Signal::SIGINT);
    let answers: Vec<Option<(u16, String)>> =
        clients.into_iter().map(|c| c.join().unwrap()).collect();
    assert_eq!(
        server.wait_exit(Duration::from_secs(30)),
        Some(0),
        "{}",
        server.stderr()
    );

    let placed: BTreeSet<u64> = answers
        .iter()
        .flatten()
        .filter(|(status, _)| *status == 200)
        .map(|(_, body)| placed_id(body))
        .collect();
    assert!(!placed.is_empty());
    let output = server.output();
    let processed: BTreeSet<u64> = output
        .lines()
        .filter_map(|l| l.split_once(": Processed order Order { id: "))
        .map(|(_, rest)| rest.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(placed, processed, "{output}");
    let n = placed.len();
    let turned_away = answers.iter().flatten().filter(|(s, _)| *s == 503).count();
    assert!(
        output.ends_with(&format!(
            "{n} order(s) accepted, {n} processed, 0 lost at shutdown, 0 refused (queue full), {turned_away} turned away (closing)"
        )),
        "{output}"
    );
    let sigint = output.find("Got a SIGINT").unwrap();
    assert!(
        sigint
            < output
                .find("Waiting for pending queue workers to finish....")
                .unwrap()
    );
}

#[test]
fn the_priority_app_reads_the_power_user_flag_and_refuses_bad_json() {
    let mut server = ServerChild::start(BIN, &["12.7", "--scale", "0.01"]);
    let port = server.port;
    for body in [r#"{"power_user": "True"}"#, r#"{"power_user": true}"#] {
        let (status, answer) = post_order(port, body).unwrap();
        assert_eq!(status, 200, "{answer}");
        let id = placed_id(&answer);
        server.wait_for(&format!(
            "Processed order Order {{ user_type: PowerUser, id: {id},"
        ));
    }
    let (status, answer) = post_order(port, r#"{"power_user": "False"}"#).unwrap();
    assert_eq!(status, 200);
    server.wait_for(&format!(
        "Processed order Order {{ user_type: NormalUser, id: {},",
        placed_id(&answer)
    ));
    let (status, answer) = post_order(port, "not json").unwrap();
    assert_eq!(status, 400, "{answer}");
    server.signal(Signal::SIGINT);
    assert_eq!(server.wait_exit(Duration::from_secs(30)), Some(0));
    assert!(
        server.output().ends_with(
            "3 order(s) accepted, 3 processed, 0 lost at shutdown, 0 refused (queue full), 0 turned away (closing)"
        )
    );
}

/// The numbers after `#` in `text`: `(#3 #7)` gives 3 and 7.
fn ids_after_hash(text: &str) -> BTreeSet<u64> {
    text.split('#')
        .skip(1)
        .map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().unwrap()
        })
        .collect()
}

/// The number after `label` in `line`: `number_before(" order(s)", "66 order(s) ...")`.
fn number_before(line: &str, label: &str) -> u64 {
    let head = &line[..line
        .find(label)
        .unwrap_or_else(|| panic!("{label:?} in {line:?}"))];
    head.rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("a number before {label:?} in {line:?}"))
}

#[test]
fn a_flood_cut_by_ctrl_c_accepts_nothing_after_it_and_names_every_lost_order() {
    // One worker and the book's 10 s to drain, against 600 orders from 300
    // clients at once: the queue is full when SIGINT comes, and its 20 s
    // or so of work (0 to 4 s an order) cannot drain in time.
    let mut server = ServerChild::start(BIN, &["12.3", "--limit", "1"]);
    let port = server.port;
    server.wait_for("Worker 0: Waiting for an order...");
    let clients: Vec<_> = (0..300)
        .map(|_| std::thread::spawn(move || [post_order(port, ""), post_order(port, "")]))
        .collect();
    server.wait_for("Worker 0: Processing order");
    server.signal(Signal::SIGINT);
    let answers: Vec<(u16, String)> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .flatten()
        .collect();
    assert_eq!(
        server.wait_exit(Duration::from_secs(60)),
        Some(0),
        "{}",
        server.stderr()
    );
    let output = server.output();
    let placed: BTreeSet<u64> = answers
        .iter()
        .filter(|(status, _)| *status == 200)
        .map(|(_, body)| placed_id(body))
        .collect();
    let turned_away = answers.iter().filter(|(status, _)| *status == 503).count();
    assert!(turned_away > 0, "nobody was turned away:\n{output}");

    // Nothing accepted after the shutdown began.
    let closing = output
        .lines()
        .find(|l| l.starts_with("Got a SIGINT: no longer taking orders"))
        .unwrap_or_else(|| panic!("{output}"));
    let accepted_then = number_before(closing, " accepted so far");
    let report = output.lines().last().unwrap();
    let accepted = number_before(report, " order(s) accepted");
    assert_eq!(accepted, accepted_then, "{output}");
    assert_eq!(accepted, placed.len() as u64, "{output}");

    // accepted = processed + lost, order by order.
    let processed: BTreeSet<u64> = output
        .lines()
        .filter_map(|l| l.split_once(": Processed order Order { id: "))
        .map(|(_, rest)| rest.split(',').next().unwrap().parse().unwrap())
        .collect();
    let lost_part = &report[report.find(" lost at shutdown").unwrap()..];
    let lost = ids_after_hash(&lost_part[..lost_part.find(", ").unwrap()]);
    assert!(!lost.is_empty(), "the queue drained in time:\n{output}");
    assert!(processed.is_disjoint(&lost), "{report}");
    let all: BTreeSet<u64> = processed.union(&lost).copied().collect();
    assert_eq!(all, placed, "{output}");
    assert_eq!(number_before(report, " processed"), processed.len() as u64);
    assert_eq!(
        number_before(report, " lost at shutdown"),
        lost.len() as u64
    );
    assert_eq!(
        number_before(report, " turned away (closing)"),
        turned_away as u64,
        "{report}"
    );
}
