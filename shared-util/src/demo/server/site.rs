//! The generated site under `/site/`: something offline for a crawler to crawl.
//!
//! Page `0` (`/site/0`) is the home page. The site has [`PAGES`] pages,
//! numbered from 0, laid out as a tree: page `n` links to its
//! [`FAN_OUT`] children `FAN_OUT * n + 1 ..= FAN_OUT * n + FAN_OUT` (those
//! that exist). So depth 0 holds 1 page, depth 1 holds 5, depth 2 holds 25,
//! and so on; the deepest pages have no children.
//!
//! Like a real site, it is not just a tree:
//!
//! - every page links *back* to its parent ("up"), to the home page
//!   ("home") and to itself (`#top`), so a crawler that does not remember
//!   what it has seen goes round in circles;
//! - every page whose number leaves 3 when divided by 7 has a broken link,
//!   to page `PAGES + n`, which answers 404 ([`is_broken_link_on`]);
//! - every page whose number leaves 19 when divided by 20 is slow: it
//!   answers [`SLOW_PAGE_DELAY`] later than the others ([`is_slow`]).
//!
//! All of it is a pure function of the page number, so a test can compute
//! what a crawl must find ([`crawl`]) without asking the server.
//!
//! ```
//! use shared_util::demo::server::site;
//!
//! assert_eq!(site::links(0), ["/site/1", "/site/2", "/site/3", "/site/4", "/site/5", "/site/0", "#top"]);
//! // Within depth 1 a crawler fetches the home page and its 5 children.
//! assert_eq!(site::crawl(1).len(), 6);
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// How many pages the site has: `/site/0` to `/site/999`.
pub const PAGES: u32 = 1000;

/// How many children each page links to (fewer at the bottom of the tree).
pub const FAN_OUT: u32 = 5;

/// The extra time a slow page ([`is_slow`]) takes to answer, on top of
/// the server's `--latency-ms`.
pub const SLOW_PAGE_DELAY: Duration = Duration::from_millis(100);

/// Where a crawl of the site starts: the home page.
pub const HOME: &str = "/site/0";

/// The path of page `page`: `/site/12`.
pub fn path(page: u32) -> String {
    format!("/site/{page}")
}

/// The page number in a path such as `/site/12` (a full URL works too:
/// everything before `/site/` is ignored). `None` when it names no page
/// number, whether or not that page exists.
pub fn page_of(path: &str) -> Option<u32> {
    let rest = &path[path.find("/site/")? + "/site/".len()..];
    rest.parse().ok()
}

/// Whether page `page` exists (answers 200).
pub fn exists(page: u32) -> bool {
    page < PAGES
}

/// Whether page `page` answers [`SLOW_PAGE_DELAY`] late.
pub fn is_slow(page: u32) -> bool {
    exists(page) && page % 20 == 19
}

/// Whether page `page` carries a broken link (to page `PAGES + page`).
pub fn is_broken_link_on(page: u32) -> bool {
    exists(page) && page % 7 == 3
}

/// The pages `page` links to in the tree, its children.
pub fn children(page: u32) -> impl Iterator<Item = u32> {
    let first = page.saturating_mul(FAN_OUT).saturating_add(1);
    (first..first.saturating_add(FAN_OUT)).filter(move |child| exists(page) && exists(*child))
}

/// How far page `page` is from the home page, following children; `None`
/// for a page that does not exist.
pub fn depth(page: u32) -> Option<usize> {
    if !exists(page) {
        return None;
    }
    let (mut page, mut depth) = (page, 0);
    while page > 0 {
        page = (page - 1) / FAN_OUT;
        depth += 1;
    }
    Some(depth)
}

/// Every `href` on page `page`, in the order they appear: the children,
/// the broken link (if any), up (not on the home page), home, and `#top`.
/// Empty for a page that does not exist.
pub fn links(page: u32) -> Vec<String> {
    if !exists(page) {
        return Vec::new();
    }
    let mut links: Vec<String> = children(page).map(path).collect();
    if is_broken_link_on(page) {
        links.push(path(PAGES + page));
    }
    if page > 0 {
        links.push(path((page - 1) / FAN_OUT));
    }
    links.push(HOME.to_owned());
    links.push("#top".to_owned());
    links
}

/// The HTML of page `page`, or `None` for a page that does not exist.
pub fn html(page: u32) -> Option<String> {
    let depth = depth(page)?;
    let mut html = format!(
        "<!doctype html>\n<html>\n<head><title>Page {page}</title><meta charset=\"utf-8\" /></head>\n\
         <body id=\"top\">\n<h1>Page {page}</h1>\n<p>A page of the demo server's generated site, \
         {depth} link(s) from the home page.</p>\n<ul>\n"
    );
    for child in children(page) {
        let _ = writeln!(
            html,
            "  <li><a href=\"{}\">Page {child}</a></li>",
            path(child)
        );
    }
    if is_broken_link_on(page) {
        let gone = PAGES + page;
        let _ = writeln!(
            html,
            "  <li><a href=\"{}\">Page {gone} (moved away)</a></li>",
            path(gone)
        );
    }
    html.push_str("</ul>\n<p>");
    if page > 0 {
        let _ = write!(html, "<a href=\"{}\">up</a> | ", path((page - 1) / FAN_OUT));
    }
    let _ = write!(
        html,
        "<a href=\"{HOME}\">home</a> | <a href=\"#top\">top</a>"
    );
    html.push_str("</p>\n</body>\n</html>\n");
    Some(html)
}

/// What a crawler that starts at [`HOME`] fetches when it follows links
/// from pages less than `max_depth` links away and visits each page once:
/// page number → the depth it is first reached at. Broken links count
/// (they are fetched and answer 404): their numbers are `PAGES` and up.
///
/// Only the tree's links lead somewhere new (up, home and `#top` go back
/// to pages already seen), so every page is first reached at its depth in
/// the tree, in whatever order a crawler's workers happen to go.
pub fn crawl(max_depth: usize) -> BTreeMap<u32, usize> {
    let mut found = BTreeMap::from([(0, 0)]);
    let mut level = vec![0];
    for depth in 0..max_depth {
        let mut next = Vec::new();
        for page in level {
            for link in links(page) {
                if let Some(target) = page_of(&link)
                    && !found.contains_key(&target)
                {
                    found.insert(target, depth + 1);
                    next.push(target);
                }
            }
        }
        level = next;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_has_every_page_once() {
        let mut seen = vec![false; PAGES as usize];
        seen[0] = true;
        for page in 0..PAGES {
            for child in children(page) {
                assert!(!seen[child as usize], "page {child} has two parents");
                seen[child as usize] = true;
            }
        }
        assert!(seen.iter().all(|s| *s));
    }

    #[test]
    fn depths_follow_the_fan_out() {
        assert_eq!(depth(0), Some(0));
        assert_eq!(depth(5), Some(1));
        assert_eq!(depth(6), Some(2));
        assert_eq!(depth(PAGES), None);
        // 1 + 5 + 25 + 125 pages within depth 3, plus the broken links
        // found on pages above depth 3.
        let within_3 = crawl(3);
        let real = within_3.keys().filter(|p| exists(**p)).count();
        assert_eq!(real, 156);
        let broken = (0..PAGES)
            .filter(|p| is_broken_link_on(*p) && depth(*p).unwrap() < 3)
            .count();
        assert_eq!(within_3.len(), 156 + broken);
        assert!(broken > 0);
    }

    #[test]
    fn every_link_in_the_html_is_in_links() {
        for page in [0, 3, 19, 999] {
            let html = html(page).unwrap();
            for link in links(page) {
                assert!(html.contains(&format!("href=\"{link}\"")), "{page}: {link}");
            }
            assert_eq!(html.matches("href=").count(), links(page).len());
        }
        assert_eq!(html(PAGES), None);
    }

    #[test]
    fn page_numbers_parse_from_paths_and_urls() {
        assert_eq!(page_of("/site/12"), Some(12));
        assert_eq!(page_of("http://127.0.0.1:1/site/1003"), Some(1003));
        assert_eq!(page_of("/site/x"), None);
        assert_eq!(page_of("/delay/5"), None);
    }
}
