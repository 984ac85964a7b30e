//! Marks the tests that need redis-server (12.11, 12.12 on the demo
//! broker): where it is missing they are reported ignored, with the
//! install command.

fn main() {
    host_tools::build_script(&[host_tools::Tool::Redis]);
}
