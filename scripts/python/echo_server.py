"""The book's asyncio echo server, for chapter 3's load tool (`echo`).

python3 echo_server.py [--port 8000]; then
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    try:
        asyncio.run(serve(args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
