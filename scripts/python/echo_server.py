"""The book's asyncio echo server, for chapter 3's load tool (`echo`).

With --uvloop it runs on uvloop's event loop instead of asyncio's own, as
the book's listing 14.4 does (chapter 14's `compare runtimes`). With
--processes N it runs N processes sharing the port (SO_REUSEPORT), as
Python scales past one core (chapter 3's `compare scaling`).

python3 echo_server.py [--port 8000] [--uvloop] [--processes N]; then
cargo run --release -p chapter03 -- load --addr 127.0.0.1:8000 --clients 100 --messages 1000
"""

import argparse
import asyncio

import _stats  # noqa: F401  (under `compare`, ends when compare does)


async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(1024):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def serve(port: int) -> None:
    server = await asyncio.start_server(echo, "127.0.0.1", port)
    actual = server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{actual}", flush=True)
    async with server:
        await server.serve_forever()


async def serve_shared(port: int, ready) -> None:
    """One of several processes on `port` (SO_REUSEPORT)."""
    from _processes import reuse_port_socket

    sock = reuse_port_socket(port)
    sock.listen(4096)
    server = await asyncio.start_server(echo, sock=sock)
    ready()
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop's event loop")
    parser.add_argument("--processes", type=int, default=1, help="processes sharing the port")
    args = parser.parse_args()
    run = asyncio.run
    if args.uvloop:
        try:
            import uvloop
        except ImportError:
            raise SystemExit("error: uvloop is not installed; run scripts/python/setup.sh (it installs the pinned uvloop)")
        run = uvloop.run
    try:
        if args.processes > 1:
            from _processes import serve_in_processes

            serve_in_processes(args.port, args.processes, lambda port, ready: run(serve_shared(port, ready)))
        else:
            run(serve(args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
