"""The order app on a Redis stream, in Python: aiohttp and redis.asyncio.

The Python side of listing 12.11 (`compare broker --python`). An aiohttp
app answers POST /order after it has added the order to a Redis stream
(INCR for its number, XADD); worker processes, started by this script as
separate programs, read the stream with a consumer group (XREADGROUP),
take over orders a stopped worker held (XPENDING, XAUTOCLAIM), process
each (0 to 4 s times --scale), record it (HSET, HINCRBY) and acknowledge
it (XACK). A client then places --requests orders, 64 at a time; the app
waits for the workers to finish the stream, stops them and accounts for
every order by number. The keys carry a prefix of this run's own and are
deleted at the end, so runs can share a server.

Needs redis and aiohttp (scripts/python/setup.sh) and a Redis server:
python3 broker_orders.py --redis-url redis://127.0.0.1:6379 [--requests 5000]
    [--workers 5] [--scale 0.0001] [--seed 12]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import sys
import time

import redis.asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

import _stats

GROUP = "workers"
# As 12.11: a worker's read waits at most half a second, so a stop is seen
# between orders; 64 clients at a time, as the Rust demo client.
BLOCK_MS = 500
CLIENTS = 64
DRAIN_S = 10.0


class Keys:
    def __init__(self, prefix: str) -> None:
        self.stream = f"{prefix}orders"
        self.next = f"{prefix}next-order"
        self.done = f"{prefix}done"
        self.times = f"{prefix}times"
        self.claimed = f"{prefix}claimed"

    def all(self) -> list:
        return [self.stream, self.next, self.done, self.times, self.claimed]


def claim_after_ms(scale: float) -> int:
    """An order held this long by one worker is taken over by another:
    longer than the longest order (4 s, scaled), never under a second."""
    return int(max(5.0 * scale, 1.0) * 1000)


async def connect(url: str, keys: Keys) -> redis.Redis:
    """A client with the stream and its group made (once)."""
    client = redis.from_url(url, decode_responses=True, socket_connect_timeout=5)
    try:
        await client.xgroup_create(keys.stream, GROUP, id="0", mkstream=True)
    except ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise
    return client


# ---- the worker, a process of its own ----------------------------------


def say(line: str) -> None:
    """Writes one whole line at once, as Rust's println! does: the app and
    its workers share one stdout, and print() writes a line and its newline
    apart, so the lines of two processes could run into each other."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def next_order(client: redis.Redis, keys: Keys, me: str, claim_ms: int):
    """(entry, fields, claimed_from): an order another worker held too long,
    else a new one (waiting up to BLOCK_MS); None when there is none."""
    pending = await client.xpending_range(keys.stream, GROUP, "-", "+", 1, idle=claim_ms)
    if pending:
        entry = pending[0]["message_id"]
        _, claimed, _ = await client.xautoclaim(keys.stream, GROUP, me, claim_ms, entry, count=1)
        for claimed_entry, fields in claimed:
            if claimed_entry == entry:
                await client.hset(keys.claimed, fields["id"], f"{pending[0]['consumer']} -> {me}")
                return entry, fields, pending[0]["consumer"]
    reply = await client.xreadgroup(GROUP, me, {keys.stream: ">"}, count=1, block=BLOCK_MS)
    for _, entries in reply or []:
        for entry, fields in entries:
            return entry, fields, None
    return None


async def work(url: str, prefix: str, me: str, scale: float) -> None:
    keys = Keys(prefix)
    client = await connect(url, keys)
    await client.xgroup_createconsumer(keys.stream, GROUP, me)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    say(f"Worker {me}: reading {keys.stream} with the group {GROUP}")
    claim_ms = claim_after_ms(scale)
    while not stopping.is_set():
        order = await next_order(client, keys, me, claim_ms)
        if order is None:
            continue
        entry, fields, claimed_from = order
        number, seconds = fields["id"], int(fields["seconds"])
        if claimed_from is not None:
            say(f"Worker {me}: took over order #{number} from {claimed_from}")
        say(f"Worker {me}: Processing order #{number} ({seconds} s)")
        await asyncio.sleep(seconds * scale)
        # Recorded before acknowledged: a worker killed in between leaves
        # the order pending, to be processed again, never lost.
        async with client.pipeline(transaction=False) as pipe:
            pipe.hset(keys.done, number, me)
            pipe.hincrby(keys.times, number, 1)
            await pipe.execute()
        await client.xack(keys.stream, GROUP, entry)
        say(f"Worker {me}: Processed order #{number}")
    say(f"Worker {me}: stopping, no order in hand")
    await client.aclose()


# ---- the app, its client and the workers it starts ----------------------


async def start_workers(args: argparse.Namespace, prefix: str) -> list:
    """One child process per worker, this script with --worker NAME. The
    children report no statistics of their own (the run's include theirs)
    and end with this process."""
    env = {k: v for k, v in os.environ.items() if k != "RCT_COMPARE_STATS"}
    children = []
    for i in range(1, args.workers + 1):
        children.append(
            await asyncio.create_subprocess_exec(
                sys.executable, os.path.abspath(__file__), "--worker", f"w{i}",
                "--redis-url", args.redis_url, "--prefix", prefix, "--scale", str(args.scale),
                env=env,
            )
        )
    return children


async def wait_for_workers(client: redis.Redis, keys: Keys, names: list, children: list) -> None:
    deadline = time.monotonic() + 10
    while True:
        joined = {c["name"] for c in await client.xinfo_consumers(keys.stream, GROUP)}
        missing = [n for n in names if n not in joined]
        if not missing:
            return
        exited = [c.returncode for c in children if c.returncode is not None]
        if exited or time.monotonic() > deadline:
            raise SystemExit(f"worker(s) {' '.join(missing)} did not start reading (exit codes {exited})")
        await asyncio.sleep(0.005)


async def stop_workers(children: list, scale: float) -> None:
    for child in children:
        if child.returncode is None:
            child.send_signal(signal.SIGTERM)
    bound = max(5.0 * scale, 1.0) + 2
    for child in children:
        try:
            await asyncio.wait_for(child.wait(), bound)
        except asyncio.TimeoutError:
            say("a worker did not stop in time: killed")
            child.kill()
            await child.wait()


# aiohttp is imported where the app and the client need it: a worker needs
# only redis, and each worker process starts faster without it.


def make_app(client: redis.Redis, keys: Keys, seed: int, accepted: list) -> web.Application:
    from aiohttp import web

    rng = random.Random(seed)

    async def place_order(_request: web.Request) -> web.Response:
        seconds = rng.randrange(5)
        # The client hears "placed" only after Redis has the order.
        number = await client.incr(keys.next)
        await client.xadd(keys.stream, {"id": number, "seconds": seconds})
        accepted.append(number)
        return web.Response(text=f"Order #{number} placed!\n")

    app = web.Application()
    app.router.add_post("/order", place_order)
    return app


async def place_orders(url: str, count: int) -> int:
    """The scripted client: `count` orders, CLIENTS at a time; returns how
    many were placed."""
    import aiohttp

    started = time.perf_counter()
    gate = asyncio.Semaphore(CLIENTS)
    connector = aiohttp.TCPConnector(limit=CLIENTS)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def one() -> bool:
            async with gate:
                async with session.post(url) as response:
                    return response.status == 200 and "placed" in await response.text()

        placed = sum(await asyncio.gather(*(one() for _ in range(count))))
    elapsed = time.perf_counter() - started
    say(f"client: {placed} order(s) placed, {count - placed} failed in {elapsed:.3f} second(s) ({placed / elapsed:.0f} orders/s)")
    return placed


async def drained(client: redis.Redis, keys: Keys, accepted: list) -> bool:
    """Whether the group has every order delivered and acknowledged: by
    its lag where the server reports one (Redis 7), else by the record."""
    for group in await client.xinfo_groups(keys.stream):
        if group["name"] == GROUP:
            if group.get("lag") is None:
                return group["pending"] == 0 and await client.hlen(keys.done) >= len(accepted)
            return group["lag"] == 0 and group["pending"] == 0
    return False


async def run(args: argparse.Namespace) -> None:
    prefix = f"rctpy{os.getpid()}:"
    keys = Keys(prefix)
    client = await connect(args.redis_url, keys)
    version = (await client.info("server"))["redis_version"]
    say(f"Orders go on the stream {keys.stream} of Redis {version}, read by the group {GROUP}.")
    names = [f"w{i}" for i in range(1, args.workers + 1)]
    say(f"Starting {len(names)} worker process(es): {' '.join(names)}")
    children = await start_workers(args, prefix)
    try:
        await wait_for_workers(client, keys, names, children)
        from aiohttp import web

        accepted: list = []
        runner = web.AppRunner(make_app(client, keys, args.seed, accepted), access_log=None)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        site = web.SockSite(runner, sock)
        await site.start()
        host, port = sock.getsockname()
        say(f"listening on {host}:{port}")
        started = time.perf_counter()
        await place_orders(f"http://{host}:{port}/order", args.requests)
        await runner.cleanup()
        say(f"No longer taking orders ({len(accepted)} accepted, all in the broker)")
        say(f"Giving the workers {DRAIN_S:.0f} s to finish the stream....")
        deadline = time.monotonic() + DRAIN_S
        while not await drained(client, keys, accepted) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        say("Stopping the workers (each finishes the order in hand)...")
        await stop_workers(children, args.scale)
        done = await client.hgetall(keys.done)
        times = await client.hgetall(keys.times)
        processed = sum(1 for number in accepted if str(number) in done)
        waiting = [f"#{n}" for n in accepted if str(n) not in done]
        repeated = [f"#{n}" for n, t in times.items() if int(t) > 1]
        say(
            f"{len(accepted)} order(s) accepted, {processed} processed, {len(waiting)} waiting in the stream "
            f"({' '.join(waiting) or 'none'}); processed twice: {' '.join(repeated) or 'none'}"
        )
        # For `compare broker`: orders processed from the first order
        # placed until the workers stopped, as 12.11 counts them.
        _stats.report_work(processed, "orders", time.perf_counter() - started)
    finally:
        await stop_workers(children, args.scale)
        await client.delete(*keys.all())
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redis-url", required=True, help="redis://HOST:PORT")
    parser.add_argument("--requests", type=int, default=5000, help="orders the client places")
    parser.add_argument("--workers", type=int, default=5, help="worker processes")
    parser.add_argument("--scale", type=float, default=0.0001, help="multiply the order times (0 to 4 s) by F")
    parser.add_argument("--seed", type=int, default=12, help="seed of the order times")
    parser.add_argument("--worker", metavar="NAME", help=argparse.SUPPRESS)
    parser.add_argument("--prefix", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.redis_url.startswith("redis://"):
        parser.error(f"invalid --redis-url '{args.redis_url}': give redis://HOST:PORT")
    if args.requests < 1 or args.workers < 1 or not 0 < args.scale <= 100:
        parser.error("--requests and --workers must be at least 1, --scale above 0 and at most 100")
    try:
        if args.worker:
            _stats.end_with_parent()
            asyncio.run(work(args.redis_url, args.prefix, args.worker, args.scale))
        else:
            asyncio.run(run(args))
    except RedisConnectionError as error:
        sys.exit(f"cannot reach the Redis server at {args.redis_url}: {error}")


if __name__ == "__main__":
    main()
