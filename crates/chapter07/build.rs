//! Marks the tests that need an outside program (tmux): where it is
//! missing they are reported ignored, with the install command.

use host_tools::Tool;

fn main() {
    host_tools::build_script(&[Tool::Tmux]);
}
