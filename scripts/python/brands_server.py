"""The brands endpoint of listing 9.2 on aiohttp and asyncpg, for chapter 9's
load tool (`compare brands --python`).

python3 brands_server.py --database-url postgres://... [--port 8080]; then
cargo run --release -p chapter09 -- load --url http://127.0.0.1:8080/brands

A pool of 6 connections is made at start-up and closed at shutdown, as in
the book; the access log is off, like the Rust servers' --quiet, so both
sides spend their time on the same work. SIGINT or SIGTERM stops it.
"""

import argparse
import asyncio
import signal

import _stats  # noqa: F401  (under `compare`, ends when compare does)

import asyncpg
from aiohttp import web

POOL = web.AppKey("pool", asyncpg.Pool)
BRAND_QUERY = "SELECT brand_id, brand_name FROM brand ORDER BY brand_id"


async def brands(request: web.Request) -> web.Response:
    rows = await request.app[POOL].fetch(BRAND_QUERY)
    return web.json_response([dict(row) for row in rows])


def make_app(database_url: str) -> web.Application:
    async def open_pool(app: web.Application) -> None:
        app[POOL] = await asyncpg.create_pool(database_url, min_size=6, max_size=6)

    async def close_pool(app: web.Application) -> None:
        await app[POOL].close()

    app = web.Application()
    app.on_startup.append(open_pool)
    app.on_cleanup.append(close_pool)
    app.router.add_get("/brands", brands)
    return app


async def serve(database_url: str, port: int, ready=None) -> None:
    runner = web.AppRunner(make_app(database_url), access_log=None)
    await runner.setup()
    # One of several processes on one port (SO_REUSEPORT) when `ready` is given.
    site = web.TCPSite(runner, "127.0.0.1", port, reuse_port=ready is not None)
    await site.start()
    if ready is None:
        actual = runner.addresses[0][1]
        print(f"listening on 127.0.0.1:{actual}", flush=True)
    else:
        ready()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    await stop.wait()
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--processes", type=int, default=1, help="processes sharing the port")
    args = parser.parse_args()
    if args.processes > 1:
        from _processes import serve_in_processes

        serve_in_processes(
            args.port,
            args.processes,
            lambda port, ready: asyncio.run(serve(args.database_url, port, ready)),
        )
    else:
        asyncio.run(serve(args.database_url, args.port))


if __name__ == "__main__":
    main()
