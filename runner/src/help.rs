//! The parts of `--help` that are each chapter's own: the id example and
//! the `Examples:` sections, made from the chapter's listings and sets so
//! that chapter 1's help never shows chapter 2's ids.

use crate::chapter::{Chapter, Kind};

/// `The listing to run: 7.4, 4 or 7_4`, in this chapter's own ids.
pub(crate) fn id_help(chapter: &Chapter) -> String {
    let example = chapter
        .listings
        .iter()
        .find(|l| l.id.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .map_or("1.1", |l| l.id);
    let (_, minor) = example.split_once('.').unwrap_or(("", example));
    format!(
        "The listing to run: `{example}`, `{minor}` or `{}` (`list` shows them all)",
        example.replace('.', "_")
    )
}

/// `Examples:` for this chapter: its first listing, a timer listing with a
/// timeline, a server in demo mode, `walk`, and a comparison.
pub(crate) fn examples(chapter: &Chapter) -> String {
    let mut lines = vec![("list".to_owned(), "the chapter's listings".to_owned())];
    let plain = chapter.listings.iter().find(|l| l.kind == Kind::Plain);
    if let Some(timer) = chapter.listings.iter().find(|l| l.timers_only) {
        lines.push((
            format!("{} --timeline", timer.id),
            format!("run listing {} and draw its timeline", timer.id),
        ));
        lines.push((
            "all --virtual-time".to_owned(),
            "every listing, timer-only ones on a paused clock".to_owned(),
        ));
    } else if let Some(first) = plain {
        lines.push((first.id.to_owned(), format!("run listing {}", first.id)));
        lines.push(("all".to_owned(), "every listing in order".to_owned()));
    }
    if let Some(server) = chapter.listings.iter().find(|l| l.kind == Kind::Server) {
        lines.push((
            format!("{} --demo", server.id),
            "a server, driven by a scripted client, then stopped".to_owned(),
        ));
    }
    if let Some(first) = chapter.listings.first() {
        lines.push((
            format!("walk {}", first.id),
            "classroom mode: source, Enter runs it".to_owned(),
        ));
    }
    if let Some(set) = chapter.sets.first() {
        lines.push((
            format!("compare {}", set.name),
            "time a named comparison (use --release)".to_owned(),
        ));
    }
    for tool in chapter.tools {
        lines.push((format!("{} --help", tool.name), tool.about.to_owned()));
    }
    let width = lines.iter().map(|(e, _)| e.len()).max().unwrap_or(0);
    let mut text = String::from("Examples:");
    for (example, what) in lines {
        text.push_str(&format!("\n  {example:<width$}  {what}"));
    }
    text
}

/// `Examples:` under `compare --help`, from this chapter's own sets.
pub(crate) fn compare_examples(chapter: &Chapter) -> String {
    let quote = |spec: &str| {
        if spec.contains(' ') {
            format!("\"{spec}\"")
        } else {
            spec.to_owned()
        }
    };
    let mut lines = vec!["compare --list".to_owned()];
    for set in chapter.sets.iter().take(2) {
        lines.push(format!("compare {} --runs 3", set.name));
    }
    if let Some(set) = chapter.sets.iter().find(|s| !s.python.is_empty()) {
        lines.push(format!("compare {} --python --markdown", set.name));
    }
    // Ids with their own flags, quoted: the way to build a comparison of
    // one's own.
    let pair: Vec<String> = match chapter.sets.iter().find(|s| s.load.is_empty()) {
        Some(set) => set.entries.iter().take(2).map(|e| quote(e)).collect(),
        None => chapter
            .listings
            .iter()
            .filter(|l| l.kind == Kind::Plain && !l.timers_only)
            .take(2)
            .map(|l| l.id.to_owned())
            .collect(),
    };
    if pair.len() == 2 {
        lines.push(format!("compare {} --runs 3", pair.join(" ")));
    }
    format!(
        "Examples:\n  {}\n\nUse a release build for numbers: cargo run --release -p {} -- compare ...",
        lines.join("\n  "),
        chapter.crate_name()
    )
}
