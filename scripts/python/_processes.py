"""Running a server in N processes that share one port (SO_REUSEPORT), the
way Python users scale an asyncio server past one core.

The parent reserves the port (binding it with SO_REUSEPORT, so port 0
picks a free one), forks the processes, each of which binds the same port
itself and serves; once all of them listen, the parent prints the
`listening on 127.0.0.1:PORT` line `compare` reads, and it stops them all
on SIGINT or SIGTERM. The kernel spreads new connections over the
processes. Used by echo_server.py and brands_server.py (`--processes N`).
"""

import os
import signal
import socket
from typing import Callable

import _stats  # noqa: F401  (under `compare`, ends when compare does)


def reuse_port_socket(port: int) -> socket.socket:
    """A TCP socket on 127.0.0.1:`port`, bound with SO_REUSEPORT (not yet
    listening)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    return sock


def serve_in_processes(port: int, processes: int, child: Callable[[int, Callable[[], None]], None]) -> None:
    """Runs `child(port, ready)` in `processes` forked processes on one
    port; each child calls `ready()` once it listens."""
    reserve = reuse_port_socket(port)
    actual = reserve.getsockname()[1]
    ready_read, ready_write = os.pipe()
    children = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:
            os.close(ready_read)
            reserve.close()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                child(actual, lambda: os.write(ready_write, b"+"))
            finally:
                os._exit(0)
        children.append(pid)
    os.close(ready_write)
    seen = 0
    while seen < processes:
        got = os.read(ready_read, processes)
        if not got:
            raise SystemExit("error: a server process ended before it listened")
        seen += len(got)
    reserve.close()
    print(f"listening on 127.0.0.1:{actual} ({processes} processes sharing the port)", flush=True)

    def stop(number: int, _frame: object) -> None:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for pid in children:
        while True:
            try:
                os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
            except ChildProcessError:
                break
