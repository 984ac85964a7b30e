//! `compare --list`: the chapter's named comparisons, as text for a
//! person or as JSON for tools (`scripts/bench.sh` reads it).

use crate::chapter::{Chapter, Share};

/// The sets as text: what each compares, its rows, load, growth and goal.
pub(super) fn print_sets(chapter: &Chapter) {
    if chapter.sets.is_empty() {
        println!(
            "chapter {} has no named comparisons; give listing ids instead",
            chapter.number
        );
    }
    for set in chapter.sets {
        println!("{:<12} {}", set.name, set.about);
        println!("{:<12} {}", "", set.entries.join("  vs  "));
        if !set.load.is_empty() {
            println!("{:<12} each under: {}", "", set.load.join(" "));
        }
        if let Some(scaling) = &set.scaling {
            let upto = match scaling.share {
                Share::Half => "half the CPUs (the load gets the rest)",
                Share::All => "every CPU",
            };
            println!(
                "{:<12} grows: {} 1, 2, 4, ... up to {upto}{}",
                "",
                scaling.flag,
                if scaling.python.is_empty() {
                    String::new()
                } else {
                    format!("; --python adds: {}", scaling.python.join(", "))
                }
            );
        }
        if !set.goal.is_empty() {
            println!("{:<12} goal: {}", "", set.goal);
        }
        if !set.python.is_empty() {
            let shared = if set.python_flags.is_empty() {
                String::new()
            } else {
                format!("; flags both sides take: {}", set.python_flags.join(" "))
            };
            println!(
                "{:<12} --python adds: {}{shared}",
                "",
                set.python.join(", ")
            );
        }
    }
}

/// The chapter's named comparisons as JSON (`compare --list --json`).
pub(super) fn sets_json(chapter: &Chapter) -> String {
    let sets: Vec<serde_json::Value> = chapter
        .sets
        .iter()
        .map(|set| {
            serde_json::json!({
                "name": set.name,
                "about": set.about,
                "goal": set.goal,
                "entries": set.entries,
                "flags": set.flags,
                "python": set.python,
                "load": set.load,
                "scaling": set.scaling.map(|s| serde_json::json!({
                    "flag": s.flag,
                    "share": match s.share {
                        Share::Half => "half",
                        Share::All => "all",
                    },
                    "python": s.python,
                })),
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "chapter": chapter.number,
        "binary": chapter.crate_name(),
        "sets": sets,
    }))
    .expect("JSON values always serialise")
}
