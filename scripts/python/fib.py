"""fib(n) and fib(n + 1), one after the other or on two threads.

The Python side of listings 1.5 and 1.6 (`compare gil`): with the GIL, the
threaded run is no faster.  python3 fib.py [--n 40] [--threads]
"""

import argparse
import threading
import time

import _stats  # noqa: F401  (reports CPU time and memory to `compare`)


def fib(n: int) -> int:
    # The book's (and listing 1.5's) counting: fib(1) = 0, fib(2) = 1, so
    # both sides do exactly the same number of calls.
    if n == 1:
        return 0
    if n == 2:
        return 1
    return fib(n - 1) + fib(n - 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--threads", action="store_true")
    args = parser.parse_args()

    start = time.perf_counter()
    if args.threads:
        workers = [threading.Thread(target=fib, args=(n,)) for n in (args.n, args.n + 1)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    else:
        fib(args.n)
        fib(args.n + 1)
    mode = "two threads" if args.threads else "one after the other"
    print(f"fib({args.n}) and fib({args.n + 1}), {mode}: {time.perf_counter() - start:.4f} s")


if __name__ == "__main__":
    main()
