#!/usr/bin/env bash
# Installs the outside programs some listings and tests need (PostgreSQL,
# chromium + chromedriver, tmux, python3, gpg) where they are
# missing, with apt-get (Debian, Ubuntu), then checks that the project
# finds each one (`cargo run -p host-tools`). .ci/run calls it; a
# developer may too. On macOS, `cargo run -p host-tools` prints the brew
# commands instead.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=$(cargo run -q -p host-tools -- --packages)
if [ -n "$missing" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "missing: $missing, and there is no apt-get here; install them by hand:"
        cargo run -q -p host-tools || true
        exit 1
    fi
    echo "installing with apt-get: $missing"
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    log=$(mktemp)
    if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing; } >"$log" 2>&1; then
        tail -20 "$log"
        exit 1
    fi
    rm -f "$log"
fi
cargo run -q -p host-tools
