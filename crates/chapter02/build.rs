//! Marks the test that needs python3 (the Python row of `compare spawn`):
//! where it is missing the test is reported ignored, with the install
//! command.

fn main() {
    host_tools::build_script(&[host_tools::Tool::Python]);
}
