#!/usr/bin/env bash
# Creates scripts/python/.venv with the pinned requirements, on demand.
# Nothing on the Rust side needs this; only the aiohttp and asyncpg scripts do.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 is not installed: the Python counterparts cannot run" >&2
    exit 1
fi
if [ ! -x "$here/.venv/bin/pip" ]; then
    rm -rf "$here/.venv"
    if ! python3 -m venv "$here/.venv"; then
        rm -rf "$here/.venv"
        echo "python3 could not make a venv: install python3-venv (Debian, Ubuntu) and run this again" >&2
        exit 1
    fi
fi
"$here/.venv/bin/pip" install --quiet -r "$here/requirements.txt"
echo "ready: $here/.venv/bin/python3"
