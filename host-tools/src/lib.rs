//! Which outside programs this machine has, found one way for everyone.
//!
//! A few listings and tests need a program the workspace cannot build:
//! PostgreSQL's server (the demo database, chapter 5 on), headless Chromium
//! with its WebDriver (chapter 9's browser test), tmux (the terminal apps'
//! tests), python3 (the Python rows of `compare --python`) and gpg
//! (chapter 13's children) and Redis (chapter 12's broker, 12.11 and
//! 12.12). This crate knows where each one lives and
//! how to install it:
//!
//! - at run time, the demo database asks [`postgres`] for `initdb` and
//!   `postgres`, and the test harness asks [`chromium`] and [`tmux`];
//! - at build time, a chapter's `build.rs` calls [`build_script`], which
//!   sets `cfg(has_postgres)`, `cfg(has_chromium)`, ... for the tools it
//!   finds. A test that needs a missing tool then carries
//!   `#[cfg_attr(not(has_postgres), ignore = "...")]`, so `cargo test` shows
//!   it as *ignored*, with the install command, never as a silent `ok`.
//!   The script runs again when `CI` or [`HIDE_VAR`] change, or when a
//!   directory on `PATH` (or one PostgreSQL or Chromium installs into)
//!   changes, so installing the tool brings its tests back on the next
//!   `cargo test`.
//!
//! One prerequisite is no program: the packages of the Python rows in
//! `scripts/python/.venv`, which [`python_venv_build_script`] probes the
//! same way (`cfg(has_python_venv)`).
//!
//! Under CI (`CI` set) nothing is ignored: a missing tool makes its tests
//! fail with the install command, and `.ci/run` installs every tool first.
//!
//! To see the suite as a machine without a tool sees it, hide the tool:
//! `RCT_HIDE_TOOLS=postgres,chromium,tmux cargo test --workspace`.

use std::path::{Path, PathBuf};

/// The environment variable that hides tools from the project (a comma
/// separated list of [`Tool::key`]s, or `all`), as if they were not
/// installed: for checking what a machine without them sees.
pub const HIDE_VAR: &str = "RCT_HIDE_TOOLS";

/// An outside program some listings or tests need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// PostgreSQL's server programs, `initdb` and `postgres`.
    Postgres,
    /// A Chromium browser and its WebDriver, `chromedriver`.
    Chromium,
    /// The terminal multiplexer the terminal apps' tests drive.
    Tmux,
    /// Python 3, for the Python rows of `compare --python`.
    Python,
    /// GnuPG, which chapter 13's children run to encrypt (a worker of the
    /// binary stands in where it is missing).
    Gpg,
    /// The Redis server, chapter 12's broker (12.11, 12.12).
    Redis,
}

impl Tool {
    /// Every tool, in the order the README lists them.
    pub const ALL: [Tool; 6] = [
        Tool::Postgres,
        Tool::Chromium,
        Tool::Tmux,
        Tool::Python,
        Tool::Gpg,
        Tool::Redis,
    ];

    /// The short name used in [`HIDE_VAR`] and in the cfg (`has_KEY`).
    pub fn key(self) -> &'static str {
        match self {
            Tool::Postgres => "postgres",
            Tool::Chromium => "chromium",
            Tool::Tmux => "tmux",
            Tool::Python => "python",
            Tool::Gpg => "gpg",
            Tool::Redis => "redis",
        }
    }

    /// The name a person knows it by.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Postgres => "PostgreSQL",
            Tool::Chromium => "chromium and chromedriver",
            Tool::Tmux => "tmux",
            Tool::Python => "python3",
            Tool::Gpg => "gpg",
            Tool::Redis => "redis-server",
        }
    }

    /// How to install it on Debian or Ubuntu, and on macOS.
    pub fn install(self) -> &'static str {
        match self {
            Tool::Postgres => "apt install postgresql (macOS: brew install postgresql@15)",
            Tool::Chromium => {
                "apt install chromium chromium-driver (macOS: brew install --cask chromium chromedriver)"
            }
            Tool::Tmux => "apt install tmux (macOS: brew install tmux)",
            Tool::Python => "apt install python3 python3-venv (macOS: brew install python)",
            Tool::Gpg => "apt install gpg (macOS: brew install gnupg)",
            Tool::Redis => "apt install redis-server (macOS: brew install redis)",
        }
    }

    /// The Debian/Ubuntu packages that install it.
    pub fn packages(self) -> &'static [&'static str] {
        match self {
            Tool::Postgres => &["postgresql"],
            Tool::Chromium => &["chromium", "chromium-driver"],
            Tool::Tmux => &["tmux"],
            Tool::Python => &["python3", "python3-venv"],
            Tool::Gpg => &["gpg"],
            Tool::Redis => &["redis-server"],
        }
    }

    /// Where it is here (the first of its files), if it is here.
    pub fn location(self) -> Option<PathBuf> {
        self.paths().into_iter().next()
    }

    /// The reason a test that needs the tool gives when it is ignored
    /// (`ignore = "..."` must be a literal, so each test writes it out; a
    /// test of this crate checks that every one matches).
    pub fn ignore_reason(self) -> &'static str {
        match self {
            Tool::Postgres => "PostgreSQL not found: apt install postgresql",
            Tool::Chromium => "chromium not found: apt install chromium-driver",
            Tool::Tmux => "tmux not found: apt install tmux",
            Tool::Python => "python3 not found: apt install python3",
            Tool::Gpg => "gpg not found: apt install gpg",
            Tool::Redis => "redis-server not found: apt install redis-server",
        }
    }

    /// One line saying what is missing and how to get it.
    pub fn missing(self) -> String {
        format!("{} not found: {}", self.name(), self.install())
    }

    /// Whether the tool is installed here (and not hidden).
    pub fn found(self) -> bool {
        !self.paths().is_empty()
    }

    /// The files that make up the tool here, empty when it is missing or
    /// hidden.
    fn paths(self) -> Vec<PathBuf> {
        match self {
            Tool::Postgres => postgres()
                .map(|dir| vec![dir.join("initdb"), dir.join("postgres")])
                .unwrap_or_default(),
            Tool::Chromium => chromium()
                .map(|b| vec![b.driver, b.browser])
                .unwrap_or_default(),
            Tool::Tmux => tmux().into_iter().collect(),
            Tool::Python => python().into_iter().collect(),
            Tool::Gpg => gpg().into_iter().collect(),
            Tool::Redis => redis().into_iter().collect(),
        }
    }

    /// Whether [`HIDE_VAR`] hides this tool.
    fn hidden(self) -> bool {
        std::env::var(HIDE_VAR).is_ok_and(|list| hides(&list, self))
    }
}

/// Whether a [`HIDE_VAR`] value names `tool` (or `all`).
fn hides(list: &str, tool: Tool) -> bool {
    list.split(',')
        .map(str::trim)
        .any(|key| key == tool.key() || key == "all")
}

/// The directories of `PATH`, in order.
fn path_dirs() -> Vec<PathBuf> {
    std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default()
}

/// The first file called `name` in `PATH`, then in `extra`.
pub fn find_program(name: &str, extra: &[&str]) -> Option<PathBuf> {
    path_dirs()
        .into_iter()
        .chain(extra.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The directory holding PostgreSQL's `initdb` and `postgres`: first from
/// `PATH`, then the newest `/usr/lib/postgresql/*/bin` (Debian keeps the
/// server programs there, off `PATH`).
pub fn postgres() -> Option<PathBuf> {
    if Tool::Postgres.hidden() {
        return None;
    }
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    let from_path = path_dirs()
        .into_iter()
        .find(|dir| has_both(dir))
        // initdb looks for postgres beside its real self, not a symlink.
        .and_then(|dir| dir.join("initdb").canonicalize().ok())
        .and_then(|initdb| initdb.parent().map(Path::to_path_buf))
        .filter(|dir| has_both(dir));
    from_path.or_else(|| {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .flatten()
            .filter_map(|entry| {
                let version = entry.file_name().to_str()?.parse().ok()?;
                Some((version, entry.path().join("bin")))
            })
            .filter(|(_, bin)| has_both(bin))
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    })
}

/// A browser and the WebDriver that drives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Browser {
    /// `chromedriver`.
    pub driver: PathBuf,
    /// The browser's own binary (not Debian's wrapper script).
    pub browser: PathBuf,
}

/// Chromium and chromedriver, if both are here.
pub fn chromium() -> Option<Browser> {
    if Tool::Chromium.hidden() {
        return None;
    }
    let driver = find_program("chromedriver", &["/usr/lib/chromium"])?;
    // Debian's /usr/bin/chromium is a wrapper script; the binary is beside the driver.
    let browser = find_program("chromium", &[])
        .map(|wrapper| {
            let real = PathBuf::from("/usr/lib/chromium/chromium");
            if real.is_file() { real } else { wrapper }
        })
        .or_else(|| find_program("chromium-browser", &[]))
        .or_else(|| find_program("google-chrome", &[]))?;
    Some(Browser { driver, browser })
}

/// tmux, if it is here.
pub fn tmux() -> Option<PathBuf> {
    if Tool::Tmux.hidden() {
        return None;
    }
    find_program("tmux", &[])
}

/// python3, if it is here.
pub fn python() -> Option<PathBuf> {
    if Tool::Python.hidden() {
        return None;
    }
    find_program("python3", &[])
}

/// gpg, if it is here.
pub fn gpg() -> Option<PathBuf> {
    if Tool::Gpg.hidden() {
        return None;
    }
    find_program("gpg", &[])
}

/// redis-server, if it is here.
pub fn redis() -> Option<PathBuf> {
    if Tool::Redis.hidden() {
        return None;
    }
    find_program("redis-server", &[])
}

/// For a crate's `build.rs`: sets `cfg(has_KEY)` for each of `tools`
/// found here (always, under CI, so that nothing is ignored there), and
/// asks cargo to run the script again when the answer could change.
///
/// In `build.rs`, with `host-tools` among the `[build-dependencies]`:
///
/// ```no_run
/// host_tools::build_script(&[host_tools::Tool::Postgres]);
/// ```
pub fn build_script(tools: &[Tool]) {
    for tool in Tool::ALL {
        println!("cargo::rustc-check-cfg=cfg(has_{})", tool.key());
    }
    // Not PATH: activating a virtualenv changes it, and each change would
    // rebuild the crate. The directories on it are watched instead (below).
    for var in ["CI", HIDE_VAR] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    let ci = std::env::var_os("CI").is_some();
    let mut any_missing = false;
    for &tool in tools {
        let paths = tool.paths();
        any_missing |= paths.is_empty();
        if !paths.is_empty() || ci {
            println!("cargo::rustc-cfg=has_{}", tool.key());
        }
        // A tool that goes away (or is swapped) makes the script run again.
        for path in paths {
            println!("cargo::rerun-if-changed={}", path.display());
        }
    }
    if !any_missing {
        return;
    }
    // Installing a missing tool adds a file to one of these, which changes
    // the directory's own time; cargo then runs the script again.
    for dir in path_dirs()
        .into_iter()
        .chain(["/usr/lib/postgresql", "/usr/lib/chromium"].map(PathBuf::from))
        .filter(|dir| dir.is_absolute() && dir.is_dir())
    {
        println!("cargo::rerun-if-changed={}", dir.display());
    }
}

/// The reason a test that runs a Python row's packages gives when it is
/// ignored (`#[cfg_attr(not(has_python_venv), ignore = "...")]`).
pub const PYTHON_VENV_REASON: &str =
    "scripts/python/.venv lacks the Python rows' packages: bash scripts/python/setup.sh";

/// For a crate's `build.rs`: sets `cfg(has_python_venv)` where
/// `scripts/python/.venv` (made by `scripts/python/setup.sh`, from PyPI)
/// imports every module of `imports`, and always under CI, where
/// `.ci/run` makes it. The script runs again when anything under
/// `scripts/python` changes, so making the venv brings the tests back.
pub fn python_venv_build_script(imports: &[&str]) {
    println!("cargo::rustc-check-cfg=cfg(has_python_venv)");
    println!("cargo::rerun-if-env-changed=CI");
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/python");
    println!("cargo::rerun-if-changed={}", scripts.display());
    let ready = std::process::Command::new(scripts.join(".venv/bin/python3"))
        .args(["-c", &format!("import {}", imports.join(", "))])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if ready || std::env::var_os("CI").is_some() {
        println!("cargo::rustc-cfg=has_python_venv");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_says_how_to_install_it() {
        for tool in Tool::ALL {
            let line = tool.missing();
            assert!(line.contains("apt install"), "{line}");
            assert!(line.contains("brew install"), "{line}");
            assert!(tool.ignore_reason().contains("apt install"));
        }
    }

    #[test]
    fn the_hide_list_names_tools_or_all() {
        assert!(hides("postgres, tmux", Tool::Tmux));
        assert!(!hides("postgres,tmux", Tool::Chromium));
        assert!(hides("all", Tool::Tmux));
        assert!(!hides("", Tool::Postgres));
        assert!(hides("python", Tool::Python));
    }

    /// Every `cfg_attr(not(has_KEY), ignore = "...")` in the workspace's
    /// tests gives its tool's [`Tool::ignore_reason`] (or, for the venv,
    /// [`PYTHON_VENV_REASON`]), word for word.
    #[test]
    fn every_ignored_test_gives_its_tools_reason() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        let mut dirs = vec![
            root.join("crates"),
            root.join("test-harness"),
            root.join("runner"),
        ];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() && !path.ends_with("target") {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        let mut seen = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (at, _) in text.match_indices("ignore = \"") {
                let Some(attr) = text[..at].rfind("#[cfg_attr(") else {
                    continue;
                };
                let line_start = text[..attr].rfind('\n').map_or(0, |n| n + 1);
                if text[line_start..attr].trim_start().starts_with("//") {
                    continue; // an example in a comment
                }
                let condition = &text[attr..at];
                let rest = &text[at + "ignore = \"".len()..];
                let reason = &rest[..rest.find('"').unwrap()];
                let expected = Tool::ALL
                    .into_iter()
                    .map(|t| (t.key(), t.ignore_reason()))
                    .chain([("python_venv", PYTHON_VENV_REASON)])
                    .find(|(key, _)| condition.contains(&format!("not(has_{key})")))
                    .map(|(_, reason)| reason)
                    .unwrap_or_else(|| panic!("{}: no tool in {condition}", file.display()));
                assert_eq!(reason, expected, "in {}", file.display());
                seen += 1;
            }
        }
        assert!(seen > 0, "no test marks a tool it needs");
    }
}
