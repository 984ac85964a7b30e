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
cargo build --release --quiet -p chapter01 -p chapter02 -p chapter03 -p chapter04 -p chapter05 -p chapter06 -p chapter07 -p chapter09 -p chapter14

python_flag=""
if bash scripts/python/setup.sh >&2; then
    python_flag="--python"
else
    echo "no Python: the page will show the Rust side only" >&2
fi

echo "making sure the Ngram file exists (chapter 6)..." >&2
./target/release/chapter06 6.7 >/dev/null

# chapter  set        what it shows, and the goal it is held to
sets=(
    "01|gil|fib(40) and fib(41) one after the other vs on two threads. Goal: Rust's threads at least 1.8x faster on 2 cores (the uneven split caps it at 1.62x), next to Python's ~1x under the GIL."
    "02|runtimes|Two CPU-bound tasks (counting to 3 billion each: the book's 100 million takes Rust 0.05 s) and a 4 s delay, on the current-thread vs the multi-thread runtime."
    "02|spawn|A million trivial tasks spawned and joined. Goal: at least 10x faster than asyncio's create_task/gather."
    "06|processes|Counts to 100 M and 200 M in two processes, one after the other vs at the same time, at the book's counts, next to Python. Goal: faster than Python's multiprocessing."
    "06|processes|The same at 3 and 6 billion, long enough to measure the speedup. Goal: at least 1.8x on 2 cores (the uneven split caps it at 1.5x).|-- --count 3000000000"
    "04|gather|1000 requests one after the other vs all at once, 10 ms server latency, every row against the one demo server compare starts; aiohttp may open 1000 connections, as 4.6 does. Goal: concurrent at least 30x faster than sequential (the book saw 33x), and faster than aiohttp on the same server."
    "05|queries|10,000 product queries (every SKU of product 100, all rows fetched) one after the other vs gathered over pools of 1, 6 and 20, every row against the one demo database compare starts and loads (PostgreSQL on loopback, 2 cores shared by server and client). Goals: gathered over 6 at least 3x faster than one after the other; Rust at least 1.5x faster than asyncpg on the same pool size."
    "06|mapreduce|Word counts over 40 M Ngram lines: one thread, a parallel map, a parallel tree reduce. Goal: at least 1.7x on 2 cores, and faster than Python's multiprocessing version."
    "07|threadpool|1000 blocking GETs with a 20 ms server delay, every row against the one demo server compare starts: one after the other, a pool of min(32, cores + 4) threads, 1000 threads."
    "03|echo|100 clients x 1000 messages of 1 KiB through chapter 3's load tool, every byte verified: the selector loop (3.7), the Tokio servers (3.8, 3.10), chapter 7's thread-per-connection server (7.1) and Python's asyncio. Times are the load's; CPU and memory are the server's; the server runs on one CPU and the load on the other (taskset). Goal: the Tokio server at least 5x the round trips per second of Python's asyncio server."
    "09|brands|GET /brands (all 100 brands from PostgreSQL as JSON) under chapter 9's load tool, 50 keep-alive connections for 5 s, every row against the one demo database compare starts: axum (9.2), bare hyper (9.8), a blocking thread per request (9.5, 8 threads) and aiohttp with asyncpg. Times are the load's; CPU and memory are the server's. Goal: axum at least 5x aiohttp's requests/s, at an equal or lower p99."
    "14|runtimes|The same echo server and load as \`echo\`, each server on one thread: Tokio (3.8), smol (14.4), our own event loop with no Tokio inside (14.13), Python's asyncio and the same script on uvloop. Goals: Tokio at least 5x asyncio's round trips per second and at least 1.5x uvloop's; our loop at least 0.8x Tokio's."
    "07|hashing|scrypt over 2000 passwords, one thread (7.16) vs a pool alone (7.17 --only pool). Goal: pool efficiency at least 90% of the cores; time per hash no slower than hashlib.scrypt (OpenSSL)."
)

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
} > "$page"

for entry in "${sets[@]}"; do
    IFS='|' read -r chapter name sentence extra <<<"$entry"
    # A second table of one set (other flags, Rust only) gets its own chart.
    chart=$name
    py=$python_flag
    if [ -n "$extra" ]; then
        chart="$name-$(echo "$extra" | tr -cs 'a-z0-9' '-' | sed 's/^-*//; s/-*$//')"
        py=""
    fi
    echo "== chapter $chapter: compare $name $extra" >&2
    {
        echo "## $name (chapter ${chapter#0})${extra:+, \`$extra\`}"
        echo
        echo "$sentence"
        echo
        # shellcheck disable=SC2086 # $py and $extra are lists of words
        ./target/release/chapter"$chapter" compare "$name" $py --runs "$runs" --warmup "$warmup" \
            --markdown --svg "$charts/$chart.svg" $extra
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
