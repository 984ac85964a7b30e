//! `list` and `list --json`.

use crate::chapter::{Chapter, Entry, Kind};

/// The chapter's listings as a table, then its tools.
pub(crate) fn print_list(chapter: &Chapter) {
    println!(
        "Chapter {} — {} ({} listings)\n",
        chapter.number,
        chapter.title,
        chapter.listings.len()
    );
    let id_width = chapter
        .listings
        .iter()
        .map(|l| l.id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    println!(
        "  {:<id_width$}  {:<14}  {:<7}  title",
        "id", "runtime", "clock"
    );
    for listing in chapter.listings {
        let kind = match listing.kind {
            Kind::Plain => String::new(),
            other => format!("  [{}]", other.name()),
        };
        println!(
            "  {:<id_width$}  {:<14}  {:<7}  {}{kind}",
            listing.id,
            runtime_column(listing),
            if listing.timers_only {
                "virtual"
            } else {
                "real"
            },
            listing.title,
        );
    }
    println!(
        "\nruntime: the Tokio runtime the runner builds for the listing (--runtime changes it); `sync` listings drive their own threads, processes or runtime.\nclock: `virtual` listings wait only on timers and may run with --virtual-time; `real` ones do CPU or I/O work and always run on the real clock."
    );
    if !chapter.tools.is_empty() {
        println!(
            "\ntools (`cargo run -p {} -- TOOL --help`):",
            chapter.crate_name()
        );
        for tool in chapter.tools {
            println!("  {:<10} {}", tool.name, tool.about);
        }
    }
}

/// The runtime a listing runs on, or `sync` for one that drives its own
/// threads, processes or runtime.
fn runtime_column(listing: &crate::chapter::Listing) -> &'static str {
    match listing.entry {
        Entry::Sync(_) => "sync",
        Entry::Async(_) => listing.flavor.name(),
    }
}

/// The same as JSON, for tools and tests.
pub(crate) fn list_json(chapter: &Chapter) -> String {
    let listings: Vec<serde_json::Value> = chapter
        .listings
        .iter()
        .map(|l| {
            serde_json::json!({
                "id": l.id,
                "title": l.title,
                "module": l.module,
                "file": chapter.file_of(l),
                "runtime": l.flavor.name(),
                "virtual_time": l.timers_only,
                "entry": match l.entry { Entry::Async(_) => "async", Entry::Sync(_) => "sync" },
                "kind": l.kind.name(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "chapter": chapter.number,
        "title": chapter.title,
        "listings": listings,
    }))
    .expect("JSON values always serialise")
}
