"""Word frequencies of the chapter-6 Ngram file: one process, or MapReduce.

The Python side of listings 6.7 and 6.8 (`mapreduce`). It reads the file
that `cargo run -p chapter06 -- 6.7 --lines N` generates and caches in the
temp dir; run that first.
python3 wordcount.py [--lines 40000000] [--processes N]
"""

import argparse
import collections
import functools
import multiprocessing
import os
import tempfile
import time

import _stats  # noqa: F401  (reports CPU time and memory to `compare`)


def map_frequencies(lines: list[str]) -> dict[str, int]:
    counts: dict[str, int] = collections.defaultdict(int)
    for line in lines:
        word, _year, matches, _volumes = line.split("\t")
        counts[word] += int(matches)
    return counts


def merge(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    merged = collections.defaultdict(int, first)
    for word, count in second.items():
        merged[word] += count
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=40_000_000)
    parser.add_argument("--processes", type=int, default=0, help="0 = one process, no MapReduce")
    args = parser.parse_args()

    path = os.path.join(tempfile.gettempdir(), f"chapter06-ngrams-v1-{args.lines}.tsv")
    if not os.path.exists(path):
        raise SystemExit(f"{path} does not exist: run `cargo run --release -p chapter06 -- 6.7 --lines {args.lines}` first")
    with open(path, encoding="utf-8") as file:
        lines = file.read().splitlines()

    start = time.perf_counter()
    if args.processes:
        size = max(1, len(lines) // (args.processes * 4))
        partitions = [lines[i : i + size] for i in range(0, len(lines), size)]
        with multiprocessing.Pool(args.processes) as pool:
            counts = functools.reduce(merge, pool.map(map_frequencies, partitions), {})
    else:
        counts = map_frequencies(lines)
    took = time.perf_counter() - start
    print(f"{len(counts)} distinct words, {sum(counts.values())} matches, counted in {took:.4f} s")


if __name__ == "__main__":
    main()
