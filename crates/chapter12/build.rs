//! Marks the tests that need redis-server (12.11, 12.12 on the demo
//! broker), and the one that also runs `compare broker`'s Python row
//! (python3 with aiohttp and redis in `scripts/python/.venv`): where one
//! is missing they are reported ignored, with what to install. Under CI
//! every one is there (`.ci/run` installs them), so none is ignored.

use std::path::Path;
use std::process::{Command, Stdio};

fn main() {
    host_tools::build_script(&[host_tools::Tool::Redis, host_tools::Tool::Python]);
    println!("cargo::rustc-check-cfg=cfg(has_python_venv)");
    // The whole folder, so that making the venv (scripts/python/setup.sh)
    // or installing into it runs this script again.
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/python");
    println!("cargo::rerun-if-changed={}", scripts.display());
    let imports = Command::new(scripts.join(".venv/bin/python3"))
        .args(["-c", "import aiohttp, redis"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if imports || std::env::var_os("CI").is_some() {
        println!("cargo::rustc-cfg=has_python_venv");
    }
}
