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
page=docs/src/benchmarks.md
charts=docs/src/bench
mkdir -p "$charts"

echo "building release binaries..." >&2
cargo build --release --quiet -p chapter01 -p chapter02 -p chapter03 -p chapter04 -p chapter06 -p chapter07

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
    "06|processes|Counts to 100 M and 200 M in two processes, one after the other vs at the same time. Goal: at least 1.8x on 2 cores (the uneven split caps it at 1.5x), and faster than Python's multiprocessing."
    "04|gather|1000 requests one after the other vs all at once, 10 ms server latency. Goal: concurrent at least 30x faster than sequential (the book saw 33x), and faster than aiohttp on the same server."
    "06|mapreduce|Word counts over 40 M Ngram lines: one thread, a parallel map, a parallel tree reduce. Goal: at least 1.7x on 2 cores, and faster than Python's multiprocessing version."
    "07|threadpool|1000 blocking GETs with a 20 ms server delay: one after the other, a pool of min(32, cores + 4) threads, 1000 threads."
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
    echo "one round. Workloads are the listings' defaults; Python rows run our scripts in \`scripts/python\` with the same"
    echo "parameters. Nothing is tuned for either side. Numbers from a busy or throttled machine are not comparable."
    echo
} > "$page"

for entry in "${sets[@]}"; do
    IFS='|' read -r chapter name sentence <<<"$entry"
    echo "== chapter $chapter: compare $name" >&2
    {
        echo "## $name (chapter ${chapter#0})"
        echo
        echo "$sentence"
        echo
        ./target/release/chapter"$chapter" compare "$name" $python_flag --runs "$runs" --warmup "$warmup" \
            --markdown --svg "$charts/$name.svg"
        echo
        echo "![$name](bench/$name.svg)"
        echo
    } >>"$page"
done

# The echo servers under chapter 3's load tool: round trips per second.
echo "== echo servers under the load tool" >&2
load() {
    ./target/release/chapter03 load --addr "$1" --clients 100 --messages 1000 --size 1024 \
        | awk -F': *' '/^round-trips\/s/ {print $2} /^errors/ {e=$2} END {if (e != "0") print "errors: " e > "/dev/stderr"}'
}
wait_port() { # file -> port printed as "listening on 127.0.0.1:PORT"
    for _ in $(seq 100); do
        port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$1" | head -1 | cut -d: -f2)
        [ -n "$port" ] && { echo "$port"; return; }
        sleep 0.1
    done
    echo "server did not start" >&2; return 1
}
{
    echo "## echo (chapter 3)"
    echo
    echo "100 clients x 1000 messages of 1 KiB through chapter 3's load tool, every byte verified: the selector loop (3.7),"
    echo "the Tokio servers (3.8, 3.10), chapter 7's thread-per-connection server (7.1) and Python's asyncio. Goal: the Tokio server"
    echo "at least 5x the round trips per second of Python's asyncio server."
    echo
    echo "| server | round trips per second |"
    echo "|---|---|"
} >>"$page"
for server in "3.7" "3.8" "3.10" "7.1" "python"; do
    log=$(mktemp)
    if [ "$server" = python ]; then
        [ -n "$python_flag" ] || continue
        python3 scripts/python/echo_server.py --port 0 >"$log" 2>&1 &
        label="Python asyncio (echo_server.py)"
    elif [ "$server" = 7.1 ]; then
        ./target/release/chapter07 7.1 --port 0 >"$log" 2>&1 &
        label="listing 7.1 (a thread per connection)"
    else
        ./target/release/chapter03 "$server" --port 0 >"$log" 2>&1 &
        label="listing $server"
    fi
    pid=$!
    port=$(wait_port "$log")
    rate=$(load "127.0.0.1:$port")
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f "$log"
    echo "| $label | $rate |" >>"$page"
done
echo >>"$page"
echo "What these numbers say, set by set: [Reading the benchmarks](benchmarks-notes.md)." >>"$page"
echo "written: $page (now update docs/src/benchmarks-notes.md by hand)" >&2
