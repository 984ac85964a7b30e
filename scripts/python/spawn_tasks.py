"""Create and gather a million trivial tasks.

The Python side of listing 2.9a.  python3 spawn_tasks.py [--count 1000000]
"""

import argparse
import asyncio
import time

import _stats  # noqa: F401  (reports CPU time and memory to `compare`)


async def number(n: int) -> int:
    return n


async def run(count: int) -> None:
    start = time.perf_counter()
    tasks = [asyncio.create_task(number(n)) for n in range(count)]
    spawned = time.perf_counter()
    total = sum(await asyncio.gather(*tasks))
    joined = time.perf_counter()
    assert total == count * (count - 1) // 2, "a task's result went missing"
    print(f"spawning {spawned - start:.4f} s, joining {joined - spawned:.4f} s: {count} tasks, sum {total}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args()
    asyncio.run(run(args.count))


if __name__ == "__main__":
    main()
