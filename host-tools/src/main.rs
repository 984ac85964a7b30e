//! Says which outside programs this machine has, the way the project looks
//! for them: `cargo run -p host-tools`. Exits 1 when one is missing.
//!
//! `--packages` prints only the Debian/Ubuntu packages of the missing ones
//! (one line, space-separated), for `scripts/install-tools.sh`.

use std::process::ExitCode;

use host_tools::Tool;

fn main() -> ExitCode {
    let packages_only = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--packages") => true,
        Some(other) => {
            eprintln!("error: unexpected argument '{other}' (usage: host-tools [--packages])");
            return ExitCode::from(2);
        }
    };
    let missing: Vec<Tool> = Tool::ALL.into_iter().filter(|t| !t.found()).collect();
    if packages_only {
        let packages: Vec<&str> = missing.iter().flat_map(|t| t.packages()).copied().collect();
        println!("{}", packages.join(" "));
        return ExitCode::SUCCESS;
    }
    for tool in Tool::ALL {
        match tool.location() {
            Some(path) => println!("{:<26} {}", tool.name(), path.display()),
            None => println!("{:<26} missing: {}", tool.name(), tool.install()),
        }
    }
    if missing.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!(
            "{} missing: the tests that need them are reported ignored (under CI they fail)",
            missing.len()
        );
        ExitCode::FAILURE
    }
}
