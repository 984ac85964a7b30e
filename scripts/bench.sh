#!/usr/bin/env bash
# Runs every named comparison, Rust and Python side by side, with release
# builds, and writes docs/src/benchmarks.md (tables) and docs/src/bench/*.svg
# (charts). Not part of `cargo test`: it takes minutes and measures this
# machine. RUNS and WARMUP set the runs per row (default 3 and 1).
#
#   bash scripts/bench.sh            # everything
#   RUNS=1 WARMUP=0 bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-3}
warmup=${WARMUP:-1}
final_page=docs/src/benchmarks.md
# Written aside and moved into place at the end: a run that stops halfway
# leaves the last complete page alone.
page=$(mktemp)
trap 'rm -f "$page"' EXIT
charts=docs/src/bench
mkdir -p "$charts"

echo "building release binaries..." >&2
cargo build --release --quiet --workspace --bins

python_flag=""
if bash scripts/python/setup.sh >&2; then
    python_flag="--python"
else
    echo "no Python: the page will show the Rust side only" >&2
fi

echo "making sure the Ngram file exists (chapter 6)..." >&2
./target/release/chapter06 6.7 >/dev/null

# Every named comparison, read from the chapters themselves (`compare
# --list --json`): chapter|name|about|goal, one per line.
sets=()
for binary in target/release/chapter[0-9][0-9]; do
    while IFS= read -r line; do
        sets+=("$line")
    done < <("$binary" compare --list --json | python3 -c '
import json, sys
listed = json.load(sys.stdin)
for s in listed["sets"]:
    print("|".join(["%02d" % listed["chapter"], s["name"], s["about"], s["goal"]]))
')
done
{
    echo "# Benchmarks"
    echo
    echo "Measured by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d)."
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| cores | $(nproc) |"
    echo "| CPU | $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') |"
    echo "| memory | $(free -g | awk '/^Mem:/ {print $2 " GiB"}') |"
    echo "| rustc | $(rustc --version) |"
    echo "| Python | $(python3 --version 2>&1 || echo none) |"
    echo
    echo "How: \`compare\` runs each row as a child process, $runs measured run(s) after $warmup warm-up, alternating the order"
    echo "of the rows every round so that a change in the machine's load hits every row alike. Times are medians of wall"
    echo "time; CPU is user + system time of the process and the children it waited for; peak memory is the largest"
    echo "resident set. The ratio column is the median of the per-round ratios to the first row, each ratio taken within"
    echo "one round. Workloads are the listings' defaults unless a line under the table names the flags they ran with;"
    echo "Python rows run our scripts in \`scripts/python\` with the same parameters. Nothing is tuned for either side."
    echo "Numbers from a busy or throttled machine are not comparable."
    echo
    echo "Each set below says what it compares and the goal the project holds it to, both read from the"
    echo "chapter's registry (\`compare --list\`); whether a goal is met, and what limits each curve, is in"
    echo "[Reading the benchmarks](benchmarks-notes.md)."
    echo
} > "$page"

for entry in "${sets[@]}"; do
    IFS='|' read -r chapter name about goal <<<"$entry"
    chart="ch$chapter-$name"
    echo "== chapter $chapter: compare $name" >&2
    {
        echo "## $name (chapter ${chapter#0})"
        echo
        echo "$about."
        if [ -n "$goal" ]; then
            echo
            echo "Goal: $goal."
        fi
        echo
        # shellcheck disable=SC2086 # $python_flag is one word or none
        ./target/release/chapter"$chapter" compare "$name" $python_flag --runs "$runs" --warmup "$warmup" \
            --markdown --svg "$charts/$chart.svg"
        echo
        echo "![$name](bench/$chart.svg)"
        echo
    } >>"$page"
done

echo >>"$page"
echo "What these numbers say, set by set: [Reading the benchmarks](benchmarks-notes.md)." >>"$page"
chmod 644 "$page"
mv "$page" "$final_page"
trap - EXIT
echo "written: $final_page (now update docs/src/benchmarks-notes.md by hand)" >&2
