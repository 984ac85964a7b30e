"""N GET requests with aiohttp: all at once (gather) or one after the other.

The Python side of listings 4.6 and 4.6a (`gather`). Needs aiohttp: run
scripts/python/setup.sh once and use scripts/python/.venv/bin/python3.
python3 requests_demo.py --url http://127.0.0.1:8080/ [--requests 1000] [--sequential]
"""

import argparse
import asyncio
import collections
import time

import aiohttp

import _stats  # noqa: F401  (reports CPU time and memory to `compare`)


async def fetch_status(session: aiohttp.ClientSession, url: str) -> int:
    async with session.get(url) as response:
        await response.read()
        return response.status


async def run(url: str, requests: int, sequential: bool) -> None:
    start = time.perf_counter()
    # aiohttp's default pool allows 100 connections at once; 1000, like the
    # Rust listing's limit, lets all the requests be in flight together.
    connector = aiohttp.TCPConnector(limit=1000)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=30)
    ) as session:
        if sequential:
            statuses = [await fetch_status(session, url) for _ in range(requests)]
        else:
            statuses = await asyncio.gather(*(fetch_status(session, url) for _ in range(requests)))
    summary = ", ".join(f"{n} x {status}" for status, n in sorted(collections.Counter(statuses).items()))
    mode = "one after the other" if sequential else "all at once"
    print(f"{requests} requests {mode}: {summary} in {time.perf_counter() - start:.4f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--sequential", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.url, args.requests, args.sequential))


if __name__ == "__main__":
    main()
