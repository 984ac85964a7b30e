//! Marks the tests that need redis-server (12.11, 12.12 on the demo
//! broker), and the one that also runs `compare broker`'s Python row
//! (python3, and aiohttp and redis in `scripts/python/.venv`): where one
//! is missing they are reported ignored, with what to install. Under CI
//! every one is there (`.ci/run` installs them), so none is ignored.

fn main() {
    host_tools::build_script(&[host_tools::Tool::Redis, host_tools::Tool::Python]);
    host_tools::python_venv_build_script(&["aiohttp", "redis"]);
}
