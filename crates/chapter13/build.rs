//! Marks the test that needs gpg (13.7 with the real program): where it
//! is missing the test is reported ignored, with the install command.

fn main() {
    host_tools::build_script(&[host_tools::Tool::Gpg]);
}
