//! The Python rows: our own Python counterparts in `scripts/python`, the
//! interpreter to run them with, and the venv made on demand.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::plan::Row;

/// Where the Python counterparts live: `scripts/python` of this workspace,
/// or of the directory `compare` runs in (release binaries copied to
/// another machine run from a checkout there).
pub fn python_dir() -> PathBuf {
    let here = Path::new("scripts/python");
    if here.join("_stats.py").exists() {
        return here.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/python")
}

/// The scripts that need a package from `requirements.txt` (aiohttp,
/// asyncpg, redis).
const NEEDS_PACKAGES: &[&str] = &[
    "requests_demo.py",
    "queries.py",
    "brands_server.py",
    "broker_orders.py",
];

/// Flags that make any script need a package (`--uvloop`: uvloop).
const FLAGS_NEEDING_PACKAGES: &[&str] = &["--uvloop"];

/// Whether a Python row needs the venv's packages.
fn needs_packages(spec: &str) -> bool {
    NEEDS_PACKAGES.iter().any(|script| spec.starts_with(script))
        || spec
            .split_whitespace()
            .any(|word| FLAGS_NEEDING_PACKAGES.contains(&word))
}

/// The Python to run `specs` with: the project's venv when it exists;
/// otherwise `python3` from the PATH. When a script needs a package and
/// the venv is missing, or was made before a package joined
/// `requirements.txt` (it cannot import one), `scripts/python/setup.sh`
/// makes or completes it first. `None` without any python3.
pub fn python_interpreter(specs: &[&str]) -> Option<PathBuf> {
    let venv = python_dir().join(".venv/bin/python3");
    let needs = specs.iter().any(|spec| needs_packages(spec));
    if venv.exists() && (!needs || imports_requirements(&venv)) {
        return Some(venv);
    }
    let found = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        return None;
    }
    if !needs {
        return Some(PathBuf::from("python3"));
    }
    let setup = python_dir().join("setup.sh");
    eprintln!(
        "setting up the Python side: {} (a venv with the pinned requirements)",
        setup.display()
    );
    let made = Command::new("bash")
        .arg(&setup)
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if made && venv.exists() {
        Some(venv)
    } else {
        eprintln!(
            "note: the venv could not be made; using python3 from the PATH, so rows that need aiohttp may fail"
        );
        Some(PathBuf::from("python3"))
    }
}

/// The modules `requirements.txt` pins (`aiohttp==3.14.5` -> `aiohttp`;
/// each package's module has its name).
fn required_modules() -> Vec<String> {
    std::fs::read_to_string(python_dir().join("requirements.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split(['=', '<', '>', ' ']).next())
        .map(str::to_owned)
        .collect()
}

/// Whether `python` imports every module `requirements.txt` pins.
fn imports_requirements(python: &Path) -> bool {
    let modules = required_modules();
    modules.is_empty()
        || Command::new(python)
            .args(["-c", &format!("import {}", modules.join(", "))])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// What a Python spec's placeholders stand for: `{demo}` the demo
/// server's URL, `{database}` the demo database's, `{redis}` the demo
/// broker's (each where `compare` started one).
#[derive(Debug, Default, Clone, Copy)]
pub struct Fill<'a> {
    /// The demo server's URL, for `{demo}`.
    pub demo: Option<&'a str>,
    /// The demo database's URL, for `{database}`.
    pub database: Option<&'a str>,
    /// The demo broker's URL, for `{redis}`.
    pub redis: Option<&'a str>,
}

impl Fill<'_> {
    /// `word` with its placeholders filled in (an address that refuses
    /// connections where nothing was started, so the row fails clearly).
    fn fill(&self, word: &str) -> String {
        word.replace("{demo}", self.demo.unwrap_or("http://127.0.0.1:9"))
            .replace(
                "{database}",
                self.database.unwrap_or("postgres://127.0.0.1:9/none"),
            )
            .replace("{redis}", self.redis.unwrap_or("redis://127.0.0.1:9"))
    }
}

/// Rows for a set's Python counterparts, their placeholders filled in.
pub fn python_rows(python: &Path, specs: &[&str], fill: &Fill<'_>) -> Vec<Row> {
    specs
        .iter()
        .map(|spec| {
            let words: Vec<String> = spec.split_whitespace().map(|w| fill.fill(w)).collect();
            let script = python_dir().join(&words[0]);
            Row {
                label: format!(
                    "python {}",
                    spec.replace("{demo}", "DEMO")
                        .replace("{database}", "DATABASE")
                        .replace("{redis}", "REDIS")
                ),
                title: "the Python counterpart".to_owned(),
                program: python.to_owned(),
                args: std::iter::once(script.display().to_string())
                    .chain(words[1..].iter().cloned())
                    .collect(),
                takes_flags: false,
                ..Row::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_that_need_packages_are_recognised() {
        assert!(needs_packages("requests_demo.py --url {demo}"));
        assert!(needs_packages("echo_server.py --port 0 --uvloop"));
        assert!(!needs_packages("echo_server.py --port 0"));
        assert!(!needs_packages("fib.py --threads"));
    }

    #[test]
    fn python_rows_name_the_script_and_fill_in_the_demo_url() {
        let rows = python_rows(
            Path::new("python3"),
            &["requests_demo.py --url {demo} --sequential"],
            &Fill {
                demo: Some("http://127.0.0.1:1234/"),
                ..Fill::default()
            },
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].label,
            "python requests_demo.py --url DEMO --sequential"
        );
        assert!(rows[0].args[0].ends_with("scripts/python/requests_demo.py"));
        assert_eq!(
            rows[0].args[1..],
            ["--url", "http://127.0.0.1:1234/", "--sequential"]
        );
        assert!(!rows[0].takes_flags);
        assert!(python_dir().join("requests_demo.py").exists());
    }

    #[test]
    fn the_pinned_requirements_are_read_as_module_names() {
        let modules = required_modules();
        for module in ["aiohttp", "asyncpg", "redis", "uvloop"] {
            assert!(modules.iter().any(|m| m == module), "{modules:?}");
        }
        assert!(modules.iter().all(|m| !m.contains('=')), "{modules:?}");
    }

    #[test]
    fn the_broker_placeholder_is_filled_and_named() {
        let rows = python_rows(
            Path::new("python3"),
            &["broker_orders.py --redis-url {redis}"],
            &Fill {
                redis: Some("redis://127.0.0.1:6380"),
                ..Fill::default()
            },
        );
        assert_eq!(rows[0].label, "python broker_orders.py --redis-url REDIS");
        assert_eq!(rows[0].args[1..], ["--redis-url", "redis://127.0.0.1:6380"]);
        assert!(needs_packages("broker_orders.py --redis-url {redis}"));
        assert!(python_dir().join("broker_orders.py").exists());
    }
}
