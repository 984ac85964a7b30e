//! What the crawler's workers share (listing 12.4): the queue, the HTTP
//! client, the URLs already seen, the counters, and the closing summary.
//!
//! The book's crawler fetches a page as often as it finds a link to it,
//! and follows links to any site. This one remembers every URL it queued
//! (so each is fetched once), stays on the site it started on, and stops
//! queueing after `max_urls`, so that even a real site ends the crawl.
//! Its client follows redirects only on the same site, and a page it
//! chose not to read (see [`crate::fetch_page`]) is counted as skipped.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::Url;
use shared_util::secs;

use crate::queue::Queue;

/// One unit of work: a URL, and how many links away from the start it is.
#[derive(Debug)]
pub struct WorkItem {
    pub item_depth: usize,
    pub url: Url,
}

/// The crawl's shared state.
#[derive(Debug)]
pub struct Crawl {
    /// URLs waiting for a worker; unbounded, as in the book.
    pub queue: Queue<WorkItem>,
    /// One client for every worker: it keeps connections open between pages
    /// and follows redirects only on the same site.
    pub client: reqwest::Client,
    /// Pages this deep are fetched, but their links are not followed.
    pub max_depth: usize,
    /// Where the crawl began: only links to the same site are followed.
    start: Url,
    /// At most this many URLs are ever queued (`--requests`).
    max_urls: usize,
    /// Every URL ever queued, so none is fetched twice.
    seen: Mutex<HashSet<Url>>,
    /// Pages fetched and read.
    pages: AtomicUsize,
    /// URLs that failed: an error status, a timeout, a broken connection.
    errors: AtomicUsize,
    /// URLs not read by choice: off-site redirects, not HTML, too large.
    skipped: AtomicUsize,
}

impl Crawl {
    /// A crawl from `start` with nothing queued yet.
    pub fn new(start: Url, max_depth: usize, max_urls: usize) -> Self {
        Self {
            queue: Queue::new(0),
            client: crate::fetch_page::client(),
            max_depth,
            start,
            max_urls,
            seen: Mutex::new(HashSet::new()),
            pages: AtomicUsize::new(0),
            errors: AtomicUsize::new(0),
            skipped: AtomicUsize::new(0),
        }
    }

    /// Queues `url` at `item_depth`, unless it was seen before, is on
    /// another site, or would be one URL too many.
    pub fn enqueue(&self, item_depth: usize, url: Url) {
        let mut seen = self.seen.lock().expect("no panics while locked");
        if url.origin() == self.start.origin()
            && seen.len() < self.max_urls
            && seen.insert(url.clone())
        {
            // Unbounded, so never full.
            let _ = self.queue.put_nowait(WorkItem { item_depth, url });
        }
    }

    /// Counts a page fetched and read.
    pub fn page_fetched(&self) {
        self.pages.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts a URL that failed, and says why.
    pub fn failed(&self, url: &Url, why: &str) {
        self.errors.fetch_add(1, Ordering::SeqCst);
        println!("Error processing url {url}: {why}");
    }

    /// Counts a URL the crawler chose not to read, and says why.
    pub fn skipped(&self, url: &Url, why: &str) {
        self.skipped.fetch_add(1, Ordering::SeqCst);
        println!("Skipped url {url}: {why}");
    }

    /// The closing lines: URLs visited, how fast (to a tenth: one URL in
    /// 2.5 s is 0.4 per second, not 0), pages, skipped and errors.
    pub fn summary(&self, elapsed: Duration, workers: usize) {
        let pages = self.pages.load(Ordering::SeqCst);
        let errors = self.errors.load(Ordering::SeqCst);
        let skipped = self.skipped.load(Ordering::SeqCst);
        let visited = pages + skipped + errors;
        // Shown only when some were, as the demo site has none.
        let skipped = match skipped {
            0 => String::new(),
            n => format!("{n} skipped, "),
        };
        println!(
            "Visited {visited} URL(s) in {} second(s), {:.1} per second: {pages} page(s), {skipped}{errors} error(s); {workers} worker(s), max depth {}",
            secs(elapsed),
            visited as f64 / elapsed.as_secs_f64().max(1e-9),
            self.max_depth
        );
        if self.seen.lock().expect("no panics while locked").len() >= self.max_urls {
            println!(
                "(stopped queueing links at {} URLs: see --requests)",
                self.max_urls
            );
        }
    }
}
