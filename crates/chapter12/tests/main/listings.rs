//! Every chapter-12 listing, run as a user runs it: the real binary, real
//! flags. The simulations and the queue-order listings run on a paused
//! clock and their whole transcript is compared with a snapshot; the
//! crawler and the order app are checked by what they visited and
//! processed, counted from their output, never by wall time.

use std::collections::{BTreeMap, BTreeSet};

use shared_util::demo::server::site;
use test_harness::{Run, run_ok};

const BIN: &str = env!("CARGO_BIN_EXE_chapter12");

fn run(args: &[&str]) -> Run {
    run_ok(BIN, args)
}

/// The number after `prefix` and before the next non-digit, on each line
/// that starts with `prefix`.
fn numbers_after(run: &Run, prefix: &str) -> Vec<u64> {
    run.lines()
        .iter()
        .filter_map(|line| line.strip_prefix(prefix))
        .map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().unwrap()
        })
        .collect()
}

/// The text after `marker` on the lines containing it.
fn after<'a>(run: &'a Run, marker: &str) -> Vec<&'a str> {
    run.stdout
        .lines()
        .filter_map(|line| line.find(marker).map(|at| &line[at + marker.len()..]))
        .collect()
}

#[test]
fn timer_listings_match_their_snapshots() {
    for id in ["12.1", "12.2", "12.5", "12.6", "12.8", "12.9", "12.10"] {
        let run = run(&[id, "--virtual-time"]);
        insta::assert_snapshot!(format!("listing_{}", id.replace('.', "_")), run.stdout);
    }
}

/// Seconds at the till per product, as the supermarket module has them.
fn checkout_seconds(product: &str) -> f64 {
    match product {
        "beer" => 2.0,
        "bananas" => 0.5,
        "sausage" | "diapers" => 0.2,
        other => panic!("unknown product {other}"),
    }
}

#[test]
fn listing_12_1_checks_out_each_customer_once_three_at_a_time() {
    for seed in ["12", "7"] {
        let run = run(&["12.1", "--virtual-time", "--seed", seed]);
        let mut finished: Vec<u64> = run
            .lines()
            .iter()
            .filter_map(|l| {
                l.split_once(" finished checking out customer ")
                    .map(|(_, id)| id)
            })
            .map(|id| id.parse().unwrap())
            .collect();
        finished.sort_unstable();
        assert_eq!(finished, (0..10).collect::<Vec<_>>(), "{}", run.stdout);
        // Three cashiers at once: the virtual time is well under the sum
        // of every product's time (what one cashier would take).
        let total: f64 = after(&run, "'s ").iter().map(|p| checkout_seconds(p)).sum();
        let elapsed: f64 = after(&run, "checked out in ")[0]
            .trim_end_matches(" second(s)")
            .parse()
            .unwrap();
        assert!(elapsed < total * 0.5, "{elapsed} s for {total} s of work");
    }
    // The seed decides the baskets: the same seed, the same transcript.
    let a = run(&["12.1", "--virtual-time", "--seed", "3"]);
    let b = run(&["12.1", "--virtual-time", "--seed", "3"]);
    let c = run(&["12.1", "--virtual-time", "--seed", "4"]);
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(a.stdout, c.stdout);
}

#[test]
fn listing_12_2_never_has_more_than_5_in_line_and_the_producer_waits() {
    let run = run(&["12.2", "--virtual-time"]);
    let lines = run.lines();
    // How many customers stand in line after each line of output: one more
    // for each put, one fewer when a cashier starts on someone.
    let mut in_line = 0_i32;
    let mut longest = 0;
    for line in &lines {
        if *line == "Customer put in line!" {
            in_line += 1;
        } else if line.starts_with("Cashier ")
            && !line.contains("'s ")
            && !line.contains("finished")
        {
            in_line -= 1;
        }
        assert!(in_line >= 0, "{}", run.stdout);
        longest = longest.max(in_line);
    }
    assert_eq!(longest, 5, "the line of 5 filled up\n{}", run.stdout);
    // A put that had to wait: "Waiting to put" not followed at once by "put".
    let waited = lines
        .windows(2)
        .filter(|w| w[0] == "Waiting to put customer in line..." && w[1] != "Customer put in line!")
        .count();
    assert!(waited > 0, "{}", run.stdout);
    // Everyone who came was checked out once, and the run says how many came.
    let came = lines
        .iter()
        .filter(|l| **l == "Customer put in line!")
        .count();
    let finished = lines
        .iter()
        .filter(|l| l.contains(" finished checking out "))
        .count();
    assert_eq!(came, finished);
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with(&format!("{came} customers came in 8 second(s)"))
    );
}

/// The generated-site pages a crawl printed as "Processing", with how
/// often each was processed.
fn processed_pages(run: &Run) -> BTreeMap<u32, usize> {
    let mut pages = BTreeMap::new();
    for url in after(run, ": Processing ") {
        let page = site::page_of(url).unwrap_or_else(|| panic!("not a site page: {url}"));
        *pages.entry(page).or_default() += 1;
    }
    pages
}

#[test]
fn listing_12_4_visits_every_page_within_the_depth_limit_once() {
    for (depth, workers) in [("3", "100"), ("2", "4")] {
        let run = run(&["12.4", "--max-depth", depth, "--limit", workers]);
        let processed = processed_pages(&run);
        assert!(processed.values().all(|n| *n == 1), "a page visited twice");
        let expected = site::crawl(depth.parse().unwrap());
        let visited: BTreeSet<u32> = processed.keys().copied().collect();
        assert_eq!(visited, expected.keys().copied().collect::<BTreeSet<_>>());
        // The broken links are errors, counted, and the crawl went on.
        let broken = expected.keys().filter(|p| !site::exists(**p)).count();
        assert!(broken > 0);
        assert_eq!(after(&run, "Error processing url ").len(), broken);
        let at_the_limit = expected
            .iter()
            .filter(|(page, d)| site::exists(**page) && **d == depth.parse::<usize>().unwrap())
            .count();
        assert_eq!(run.positions("Max depth reached").len(), at_the_limit);
        let summary = format!("Visited {} URL(s) in ", expected.len());
        let pages = expected.len() - broken;
        let line = run.lines()[run.position(&summary)];
        assert!(
            line.ends_with(&format!(
                "{pages} page(s), {broken} error(s); {workers} worker(s), max depth {depth}"
            )),
            "{line}"
        );
        // Never more requests at once than workers.
        let peak = numbers_after(&run, "the demo server saw at most ")[0];
        assert!(peak <= workers.parse().unwrap(), "{peak}");
    }
}

#[test]
fn listing_12_4_default_run_shows_the_workers_overlapping() {
    let default = run(&["12.4"]);
    default.position("the demo site answers each page after 100 ms (--latency-ms changes it)");
    // The 25 pages two links deep are queued together and each takes
    // 100 ms: the server sees at least those at once (more, at depth 3).
    let peak = numbers_after(&default, "the demo server saw at most ")[0];
    assert!(peak >= 25, "{}", default.stdout);
    // --latency-ms still decides.
    let quick = run(&["12.4", "--latency-ms", "0", "--max-depth", "1"]);
    quick.position("the demo site answers each page after 0 ms");
}

#[test]
fn listing_12_4_stops_queueing_at_the_url_cap() {
    let run = run(&["12.4", "--requests", "40", "--limit", "8"]);
    assert_eq!(processed_pages(&run).len(), 40);
    assert!(
        run.stdout
            .contains("(stopped queueing links at 40 URLs: see --requests)")
    );
}

/// The number after `id: ` in a printed order, `Order { id: 7, seconds: 2 }`.
fn order_id(line: &str) -> u64 {
    let rest = &line[line.find("id: ").expect(line) + "id: ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap()
}

/// The order numbers in "Processed order ..." lines.
fn processed_orders(lines: &[&str]) -> Vec<u64> {
    lines
        .iter()
        .filter(|l| l.contains(": Processed order "))
        .map(|l| order_id(l))
        .collect()
}

#[test]
fn listing_12_3_demo_processes_every_accepted_order_before_stopping() {
    let run = run(&["12.3", "--demo", "--scale", "0.02"]);
    let lines = run.lines();
    assert_eq!(lines[0], "Creating order queue and tasks.");
    assert!(
        run.stdout
            .contains("client: 20 order(s) placed, 0 refused, 0 failed")
    );
    let mut processed = processed_orders(&lines);
    processed.sort_unstable();
    assert_eq!(processed, (1..=20).collect::<Vec<_>>());
    // Shutdown in the book's order; every order done before the workers go.
    let sigint = run.position("Got a SIGINT: no longer taking orders");
    let waiting = run.position("Waiting for pending queue workers to finish....");
    let cancel = run.position("Finished all pending items, canceling worker tasks...");
    assert!(sigint < waiting && waiting < cancel);
    assert!(run.positions("Worker ").iter().all(|i| *i < cancel));
    assert_eq!(
        lines.last(),
        Some(
            &"20 order(s) accepted, 20 processed, 0 lost at shutdown, 0 refused (queue full), 0 turned away (closing)"
        )
    );
}

#[test]
fn listing_12_3_rejects_when_full_only_if_asked() {
    let run = run(&[
        "12.3",
        "--demo",
        "--scale",
        "0.05",
        "--requests",
        "40",
        "--reject-when-full",
    ]);
    let placed = numbers_after(&run, "client: ")[0];
    let report = run.lines().last().unwrap().to_owned();
    let accepted: u64 = report.split(' ').next().unwrap().parse().unwrap();
    let refused = 40 - placed;
    assert!(
        refused > 0,
        "40 orders at once, room for 15: {}",
        run.stdout
    );
    assert_eq!(accepted, placed);
    assert_eq!(processed_orders(&run.lines()).len() as u64, accepted);
    assert_eq!(
        report,
        format!(
            "{accepted} order(s) accepted, {accepted} processed, 0 lost at shutdown, {refused} refused (queue full), 0 turned away (closing)"
        )
    );
}

#[test]
fn listing_12_7_takes_power_users_first() {
    // One worker, eleven orders: the first order (2 s at seed 12, scaled to
    // 0.2 s) keeps it busy while the other ten fill the queue, and from then
    // on it takes every power user's order before any normal user's.
    let run = run(&[
        "12.7",
        "--demo",
        "--limit",
        "1",
        "--requests",
        "11",
        "--scale",
        "0.1",
        "--seed",
        "12",
    ]);
    let kinds: Vec<&str> = after(&run, ": Processing order ")
        .iter()
        .map(|rest| {
            if rest.contains("user_type: PowerUser") {
                "power"
            } else {
                "normal"
            }
        })
        .collect();
    assert_eq!(kinds.len(), 11, "{}", run.stdout);
    let rest = &kinds[1..];
    let first_normal = rest.iter().position(|k| *k == "normal").unwrap();
    assert!(
        rest[first_normal..].iter().all(|k| *k == "normal"),
        "{kinds:?}"
    );
    assert_eq!(kinds.iter().filter(|k| **k == "power").count(), 5);
    assert!(run.stdout.ends_with(
        "11 order(s) accepted, 11 processed, 0 lost at shutdown, 0 refused (queue full), 0 turned away (closing)\n"
    ));
}
