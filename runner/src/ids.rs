//! Listing ids: the spellings a user may type, and what to say when an id
//! is not one of the chapter's.

use crate::chapter::{Chapter, Listing};

/// A listing id taken apart: `7.11a` is `(7, 11, "a")`. Ordered as the
/// book orders listings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Id {
    major: u32,
    minor: u32,
    suffix: String,
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}{}", self.major, self.minor, self.suffix)
    }
}

/// Reads an id the way a user may type it: `_` for `.`, no leading zeros,
/// the chapter implied (`9` in chapter 2 is `2.9`), a `listing` prefix.
pub(crate) fn parse(input: &str, chapter: u32) -> Option<Id> {
    let lower = input.trim().to_lowercase().replace('_', ".");
    let s = lower.strip_prefix("listing").unwrap_or(&lower).trim();
    let (major, minor) = match s.split_once('.') {
        Some((major, minor)) => (major.parse::<u32>().ok()?, minor),
        None => (chapter, s),
    };
    let digits: String = minor.chars().take_while(char::is_ascii_digit).collect();
    let suffix = &minor[digits.len()..];
    if digits.is_empty() || !suffix.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    Some(Id {
        major,
        minor: digits.parse().ok()?,
        suffix: suffix.to_owned(),
    })
}

/// Whether two spellings name the same id (`7.14`, `14`, `7_14`).
pub(crate) fn same(a: &str, b: &str, chapter: u32) -> bool {
    parse(a, chapter).is_some_and(|a| parse(b, chapter) == Some(a))
}

fn id_of(listing: &Listing, chapter: u32) -> Option<Id> {
    parse(listing.id, chapter)
}

impl Chapter {
    /// Finds a listing by any accepted spelling of its id: `2.9`, `9`,
    /// `2_9`, `2.09`, `listing 2.9`.
    /// An id inside a listing's range (`7.14`, when 7.13 covers
    /// 7.13–7.15) finds that listing.
    pub fn find(&self, input: &str) -> Option<&'static Listing> {
        let wanted = parse(input, self.number)?;
        let exact = self
            .listings
            .iter()
            .find(|l| id_of(l, self.number).as_ref() == Some(&wanted));
        exact.or_else(|| covering(self, &wanted))
    }
}

/// The listing whose range (`.through(...)`) holds `wanted`.
fn covering(chapter: &Chapter, wanted: &Id) -> Option<&'static Listing> {
    chapter.listings.iter().find(|l| {
        let first = id_of(l, chapter.number);
        let last = l.through.and_then(|t| parse(t, chapter.number));
        matches!((first, last), (Some(first), Some(last)) if first <= *wanted && *wanted <= last)
    })
}

/// The error for an id the chapter does not have: what is nearest, then
/// every valid id.
pub(crate) fn unknown(chapter: &Chapter, input: &str, subcommands: &[&str]) -> String {
    let mut message = format!("chapter {} has no listing '{input}'", chapter.number);
    if let Some(hint) = hint(chapter, input, subcommands) {
        message.push_str("; ");
        message.push_str(&hint);
    }
    let ids: Vec<&str> = chapter.listings.iter().map(|l| l.id).collect();
    message.push_str(&format!(
        "\nvalid ids: {}\n(`cargo run -p {} -- list` shows them with their titles)",
        ids.join(" "),
        chapter.crate_name()
    ));
    message
}

/// What the user most likely meant, by the id's place in the book rather
/// than by its spelling: the same number with another letter, its neighbours, the chapter's range, another chapter.
fn hint(chapter: &Chapter, input: &str, subcommands: &[&str]) -> Option<String> {
    let Some(wanted) = parse(input, chapter.number) else {
        // Not an id at all: perhaps a misspelt subcommand.
        return subcommands
            .iter()
            .map(|name| (strsim::levenshtein(&input.to_lowercase(), name), name))
            .filter(|(distance, _)| *distance <= 2)
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, name)| format!("did you mean the `{name}` command?"));
    };
    if wanted.major != chapter.number {
        return Some(format!(
            "{wanted} is a listing of chapter {}: `cargo run -p chapter{:02} -- {wanted}`",
            wanted.major, wanted.major
        ));
    }
    let numbered: Vec<(Id, &Listing)> = chapter
        .listings
        .iter()
        .filter_map(|l| Some((id_of(l, chapter.number)?, l)))
        .collect();
    let same_number: Vec<&str> = numbered
        .iter()
        .filter(|(id, _)| id.minor == wanted.minor)
        .map(|(_, l)| l.id)
        .collect();
    if !same_number.is_empty() {
        return Some(format!("did you mean {}?", same_number.join(" or ")));
    }
    let (first, last) = (numbered.first()?, numbered.last()?);
    if wanted < first.0 || wanted > last.0 {
        return Some(format!(
            "the chapter's listings run from {} to {}",
            first.1.id, last.1.id
        ));
    }
    let before = numbered.iter().rev().find(|(id, _)| *id < wanted)?;
    let after = numbered.iter().find(|(id, _)| *id > wanted)?;
    Some(format!(
        "it is not among the listings run here; the nearest are {} and {}",
        before.1.id, after.1.id
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chapter::{ChapterOptions, Entry, Listing};

    fn canonical(input: &str) -> Option<String> {
        parse(input, 2).map(|id| id.to_string())
    }

    #[test]
    fn ids_are_normalised() {
        assert_eq!(canonical("2.9").as_deref(), Some("2.9"));
        assert_eq!(canonical("9").as_deref(), Some("2.9"));
        assert_eq!(canonical("2_9").as_deref(), Some("2.9"));
        assert_eq!(canonical("2.09").as_deref(), Some("2.9"));
        assert_eq!(canonical("15a").as_deref(), Some("2.15a"));
        assert_eq!(canonical("2_15A").as_deref(), Some("2.15a"));
        assert_eq!(canonical("listing 2.9").as_deref(), Some("2.9"));
        assert_eq!(canonical("x"), None);
        assert_eq!(canonical("2."), None);
        assert!(parse("7.11a", 7) < parse("7.12", 7));
        assert!(parse("7.11", 7) < parse("7.11a", 7));
    }

    fn sync_entry(_: &shared_util::Ctx) -> anyhow::Result<()> {
        Ok(())
    }

    const fn listing(id: &'static str) -> Listing {
        Listing::new(id, "t", "m", "", Entry::Sync(sync_entry))
    }

    static SEVEN: Chapter = Chapter {
        number: 7,
        title: "test",
        listings: &[
            listing("7.1"),
            listing("7.2"),
            listing("7.11"),
            listing("7.11a"),
            listing("7.13").through("7.15"),
            listing("7.16"),
        ],
        sets: &[],
        workers: &[],
        tools: &[],
        options: ChapterOptions::NONE,
    };

    fn hint_for(input: &str) -> String {
        hint(&SEVEN, input, &["list", "all", "walk", "compare"]).unwrap_or_default()
    }

    #[test]
    fn unknown_ids_get_hints_by_their_place_in_the_book() {
        assert_eq!(
            hint_for("7.12"),
            "it is not among the listings run here; the nearest are 7.11a and 7.13"
        );
        assert_eq!(hint_for("7.11b"), "did you mean 7.11 or 7.11a?");
        assert_eq!(
            hint_for("7.30"),
            "the chapter's listings run from 7.1 to 7.16"
        );
        assert!(hint_for("2.9").contains("chapter 2"), "{}", hint_for("2.9"));
        assert_eq!(hint_for("lsit"), "did you mean the `list` command?");
        assert_eq!(hint_for("zzzzzz"), "");
        assert!(SEVEN.find("11a").is_some());
        for alias in ["7.14", "7.15", "14"] {
            assert_eq!(SEVEN.find(alias).map(|l| l.id), Some("7.13"), "{alias}");
        }
        assert!(SEVEN.find("7.16").is_some_and(|l| l.id == "7.16"));
        assert!(SEVEN.find("7.12").is_none());
    }
}
