"""Count to n and to 2n, one after the other or in two processes.

The Python side of listing 6.1 (`processes`).
python3 count.py [--count 100000000] [--processes]
"""

import argparse
import multiprocessing
import time

import _stats  # noqa: F401  (reports CPU time and memory to `compare`)


def count(to: int) -> int:
    counter = 0
    while counter < to:
        counter += 1
    return counter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000_000)
    parser.add_argument("--processes", action="store_true")
    args = parser.parse_args()

    start = time.perf_counter()
    targets = (args.count, 2 * args.count)
    if args.processes:
        workers = [multiprocessing.Process(target=count, args=(n,)) for n in targets]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    else:
        for n in targets:
            count(n)
    mode = "two processes" if args.processes else "one after the other"
    print(f"counted to {targets[0]} and {targets[1]}, {mode}: {time.perf_counter() - start:.4f} s")


if __name__ == "__main__":
    main()
