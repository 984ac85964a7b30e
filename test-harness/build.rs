//! Marks the harness's own tmux test: where tmux is missing it is
//! reported ignored, with the install command.

fn main() {
    host_tools::build_script(&[host_tools::Tool::Tmux]);
}
