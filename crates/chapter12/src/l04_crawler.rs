//! Listing 12.4 — A web crawler: a work queue of URLs, 100 workers, a depth limit.
//!
//! Each of `--limit` workers (100) takes a (depth, url) item, fetches it
//! (3 s timeout) and queues its links one level deeper, up to `--max-depth`
//! (3); the run ends when the queue is joined. `scraper` plays BeautifulSoup;
//! its `Html` is not `Send`, and parsing is CPU work, so it is parsed on a
//! blocking thread (`spawn_blocking`). Unlike the book, each URL is fetched
//! once, links and redirects stay on the site, and only HTML up to 2 MiB is
//! read (see [`crate::crawl`] and [`crate::fetch_page`]). It crawls the
//! demo server's generated site, which answers each page after [`LATENCY`]
//! (`--latency-ms` changes it), as a real site would, so the workers'
//! requests overlap; or `--url`.
//!
//! Run: cargo run -p chapter12 -- 12.4

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use scraper::{Html, Selector};
use shared_util::Ctx;
use shared_util::timing::Stopwatch;

use crate::crawl::{Crawl, WorkItem};
use crate::fetch_page::{NotRead, fetch_html};

const FETCH_TIMEOUT: Duration = Duration::from_secs(3);

/// How long the demo site takes to answer each page unless `--latency-ms`
/// says otherwise: long enough that a level's pages are all in flight
/// together (at no latency each page is back before the next is asked
/// for, and the server sees a handful at once), short enough that the
/// crawl takes about a second.
pub const LATENCY: Duration = Duration::from_millis(100);

async fn worker(worker_id: usize, crawl: Arc<Crawl>) {
    println!("Worker {worker_id}");
    loop {
        let work_item = crawl.queue.get().await;
        println!("Worker {worker_id}: Processing {}", work_item.url);
        process_page(&work_item, &crawl).await;
        println!("Worker {worker_id}: Finished {}", work_item.url);
        crawl.queue.task_done().expect("one task_done per item");
    }
}

async fn process_page(work_item: &WorkItem, crawl: &Crawl) {
    let url = &work_item.url;
    let page = match tokio::time::timeout(FETCH_TIMEOUT, fetch_html(&crawl.client, url)).await {
        Ok(Ok(page)) => page,
        Ok(Err(NotRead::Skipped(why))) => return crawl.skipped(url, &why),
        Ok(Err(NotRead::Failed(why))) => return crawl.failed(url, &why),
        Err(_) => return crawl.failed(url, "timed out after 3 s"),
    };
    crawl.page_fetched();
    if work_item.item_depth == crawl.max_depth {
        println!("Max depth reached, not processing more for {url}");
    } else {
        // Parsing is CPU work: on a blocking thread, the runtime's thread
        // stays free for the other workers' requests.
        let found = tokio::task::spawn_blocking(move || links(&page.body, &page.url));
        for link in found.await.expect("links() does not panic") {
            crawl.enqueue(work_item.item_depth + 1, link);
        }
    }
}

/// Every `<a href>` on the page, made absolute, without its `#fragment`.
fn links(body: &str, page: &Url) -> Vec<Url> {
    let anchors = Selector::parse("a[href]").expect("a valid selector");
    Html::parse_document(body)
        .select(&anchors)
        .filter_map(|a| page.join(a.value().attr("href")?).ok())
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .map(|mut url| {
            url.set_fragment(None);
            url
        })
        .collect()
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    if ctx.flags.url.is_none() {
        let server = ctx.demo_server_with_latency(LATENCY)?;
        println!(
            "the demo site answers each page after {} ms (--latency-ms changes it)",
            server.latency().as_millis()
        );
    }
    let start: Url = ctx
        .url_for(shared_util::demo::server::site::HOME)?
        .parse()?;
    let max_urls = ctx.requests_or(1000);
    let workers = ctx.limit_or(100);
    let max_depth = ctx.options::<crate::Options>().max_depth;
    let crawl = Arc::new(Crawl::new(start.clone(), max_depth, max_urls));
    let clock = Stopwatch::start();
    crawl.enqueue(0, start);
    let tasks: Vec<_> = (0..workers)
        .map(|i| tokio::spawn(worker(i, crawl.clone())))
        .collect();

    // Bounded: each URL takes at most 3 s, and at most max_urls are queued.
    let bound = FETCH_TIMEOUT * (max_urls.div_ceil(workers) as u32 + 1);
    let joined = tokio::time::timeout(bound, crawl.queue.join()).await;
    for task in &tasks {
        task.abort(); // the workers wait in `get` for URLs that never come
    }
    if joined.is_err() {
        let left = crawl.queue.unfinished();
        println!("gave up after {bound:?} with {left} URL(s) unfinished");
    }
    crawl.summary(clock.elapsed(), workers);
    if let Some(server) = ctx.local_server() {
        let peak = server.stats().peak_in_flight;
        println!("the demo server saw at most {peak} requests at once");
    }
    Ok(())
}
