//! Marks the tests that need python3 (the Python row of `compare spawn`)
//! or tmux (`walk` on a terminal): where one is missing its tests are
//! reported ignored, with the install command.

use host_tools::Tool;

fn main() {
    host_tools::build_script(&[Tool::Python, Tool::Tmux]);
}
