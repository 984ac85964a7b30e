//! Planning: from the command line's words to the rows to run — listing
//! ids with their flags, another chapter's binary, a set's flags merged
//! with the user's.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::chapter::{Chapter, Listing};

/// One row of a comparison: a program and its arguments, usually this
/// binary running one listing (`2.19 --runtime multi-thread`), or a Python
/// counterpart from `scripts/python` (`python fib.py --threads`).
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// The row's name in the table.
    pub label: String,
    /// What it is, for the table's title column.
    pub title: String,
    /// The program to run.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Whether the flags given after `--` apply (listing rows: yes; Python
    /// rows take their own).
    pub takes_flags: bool,
    /// In a scaling set: the row's threads.
    pub threads: Option<usize>,
    /// In a scaling set: the spec the row grew from, whose one-thread row
    /// is its baseline.
    pub family: String,
    /// In a scaling set: the CPUs it (and its load) run on.
    pub pin: Option<super::pin::Pin>,
}

impl Row {
    /// The row's name in the table.
    pub fn label(&self) -> String {
        self.label.clone()
    }

    /// The arguments of one run: the row's own, and for listing rows the
    /// flags given to every row, where the row's own flag of the same name
    /// wins (`"2.19 --count 5"` with `-- --count 7` runs `--count 5`).
    pub fn command_args(&self, flags: &[String]) -> Vec<String> {
        match self.args.split_first() {
            Some((id, own)) if self.takes_flags => std::iter::once(id.clone())
                .chain(merge_flags(flags, own))
                .collect(),
            _ => self.args.clone(),
        }
    }
}

/// What `compare` was asked to do.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The rows, first one is the baseline.
    pub listings: Vec<Row>,
    /// Measured runs per listing.
    pub runs: usize,
    /// Unmeasured runs per listing before the measured ones.
    pub warmup: usize,
    /// Flags given to every row that takes them: a set's, with the user's
    /// (those after `--`) on top.
    pub flags: Vec<String>,
    /// The user's flags the Python rows took (already merged into their
    /// `args`; kept here to be shown under the table).
    pub python_flags: Vec<String>,
    /// For servers: the load command's arguments (see [`Set::load`](crate::Set::load));
    /// empty for listings that end by themselves.
    pub load: Vec<String>,
    /// A scaling set: the table gives speedup and efficiency.
    pub scaling: bool,
}

/// A row that runs another chapter's binary: `chapter07:7.1 --flag` gives
/// `("chapter07", "7.1 --flag")`.
pub fn foreign(spec: &str) -> Option<(&str, &str)> {
    let (program, rest) = spec.split_once(':')?;
    (program.starts_with("chapter") && !program.contains(char::is_whitespace))
        .then_some((program, rest))
}

/// Another chapter's binary, built beside this one (same target directory
/// and profile).
pub fn sibling(exe: &Path, program: &str) -> PathBuf {
    exe.with_file_name(format!("{program}{}", std::env::consts::EXE_SUFFIX))
}

/// Turns `"2.19"` or `"2.19 --runtime multi-thread"` specs into rows that
/// run `exe`, or says what is wrong (an unknown id is returned as `Err(id)`).
/// A `chapter07:7.1` spec runs that binary beside `exe`; its title comes
/// from the binary's `list --json`.
pub fn resolve<S: AsRef<str>>(
    chapter: &Chapter,
    exe: &Path,
    specs: &[S],
) -> Result<Vec<Row>, String> {
    specs
        .iter()
        .map(|spec| {
            let (program, title, words) = match foreign(spec.as_ref()) {
                Some((program, rest)) => {
                    let path = sibling(exe, program);
                    let mut words = rest.split_whitespace();
                    let id = words.next().unwrap_or_default();
                    let title = foreign_title(&path, id)
                        .unwrap_or_else(|| format!("listing {id} of {program}"));
                    (
                        path,
                        title,
                        std::iter::once(id).chain(words).collect::<Vec<_>>(),
                    )
                }
                None => {
                    let mut words = spec.as_ref().split_whitespace();
                    let id = words.next().unwrap_or_default();
                    let listing: &Listing = chapter.find(id).ok_or_else(|| id.to_owned())?;
                    let words = std::iter::once(listing.id).chain(words).collect::<Vec<_>>();
                    (exe.to_owned(), listing.title.to_owned(), words)
                }
            };
            let args: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
            Ok(Row {
                label: args.join(" "),
                title,
                program,
                args,
                takes_flags: true,
                ..Row::default()
            })
        })
        .collect()
}

/// A listing's title, asked of another chapter's binary.
fn foreign_title(program: &Path, id: &str) -> Option<String> {
    let output = Command::new(program)
        .args(["list", "--json"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    list["listings"]
        .as_array()?
        .iter()
        .find(|l| l["id"] == id)
        .and_then(|l| l["title"].as_str())
        .map(str::to_owned)
}

/// A set's flags with the user's (after `--`) on top: a flag the user gives
/// replaces the set's flag of the same name and its value.
pub(crate) fn merge_flags(set: &[String], user: &[String]) -> Vec<String> {
    let given = |flag: &str| user.iter().any(|u| u == flag);
    let mut merged = Vec::new();
    let mut i = 0;
    while i < set.len() {
        let takes_value = set.get(i + 1).is_some_and(|next| !next.starts_with("--"));
        let width = if takes_value { 2 } else { 1 };
        if !given(&set[i]) {
            merged.extend_from_slice(&set[i..i + width]);
        }
        i += width;
    }
    merged.extend_from_slice(user);
    merged
}

/// The `--latency-ms` value among compare's flags, for the demo server the
/// Python rows use.
pub(crate) fn latency_in(flags: &[String]) -> Duration {
    flags
        .windows(2)
        .find(|pair| pair[0] == "--latency-ms")
        .and_then(|pair| pair[1].parse().ok())
        .map_or(Duration::ZERO, Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_chapters_row_names_its_binary() {
        assert_eq!(
            foreign("chapter07:7.1 --port 0"),
            Some(("chapter07", "7.1 --port 0"))
        );
        assert_eq!(foreign("3.8"), None);
        assert_eq!(foreign("python x.py --url http://a:1"), None);
        let exe = Path::new("/t/release/chapter03");
        assert_eq!(sibling(exe, "chapter07"), Path::new("/t/release/chapter07"));
    }

    #[test]
    fn a_rows_own_flag_wins_over_the_shared_one() {
        let row = Row {
            label: "2.19 --count 5".into(),
            title: String::new(),
            program: PathBuf::from("x"),
            args: vec!["2.19".into(), "--count".into(), "5".into()],
            takes_flags: true,
            ..Row::default()
        };
        let shared = vec!["--count".to_owned(), "7".to_owned(), "--demo".to_owned()];
        assert_eq!(
            row.command_args(&shared),
            ["2.19", "--demo", "--count", "5"]
        );
        let python = Row {
            takes_flags: false,
            ..row
        };
        assert_eq!(python.command_args(&shared), ["2.19", "--count", "5"]);
    }

    #[test]
    fn user_flags_replace_a_sets_flags_of_the_same_name() {
        let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let set = owned(&["--count", "3000000000", "--demo", "--latency-ms", "10"]);
        assert_eq!(
            merge_flags(&set, &owned(&["--count", "1000"])),
            owned(&["--demo", "--latency-ms", "10", "--count", "1000"])
        );
        assert_eq!(merge_flags(&set, &[]), set);
    }
}
