#!/usr/bin/env python3
"""Soak runs of the servers, too long for `cargo test`; prints the numbers.

  python3 scripts/soak.py [--bin-dir target/debug] [--clients 10000] [--upload-mib 200]

- 7.2: CLIENTS clients one after another (connect, echo a line, leave;
  every other one shuts its sending side first and waits for end of file).
  Prints the server's open descriptors and resident memory before and
  after: a server that forgets departed clients ends where it began.
- 11.12: one upload of UPLOAD_MIB MiB; prints the server's resident memory
  sampled during the upload, and its peak (VmHWM).

Loopback only; every loop is bounded in count and every wait in time. Build
the binaries first (cargo build -p chapter07 -p chapter11).
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

WAIT = 30  # seconds for any single wait


def start(binary, args):
    proc = subprocess.Popen(
        [binary, *args, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + WAIT
    for line in proc.stdout:
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if match:
            # Keep draining stdout so a chatty server never blocks on it.
            threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
            return proc, int(match.group(1))
        if time.monotonic() > deadline:
            break
    proc.kill()
    sys.exit(f"{binary} {args}: no 'listening on' line")


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def stop(proc):
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def soak_7_2(bin_dir, clients):
    proc, port = start(os.path.join(bin_dir, "chapter07"), ["7.2"])
    time.sleep(0.2)
    before = (fds(proc.pid), status_kib(proc.pid, "VmRSS:"))
    began = time.monotonic()
    for n in range(clients):
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as client:
            client.settimeout(WAIT)
            message = f"client {n}\r\n".encode()
            client.sendall(message)
            echoed = b""
            while len(echoed) < len(message):
                chunk = client.recv(len(message) - len(echoed))
                if not chunk:
                    sys.exit(f"7.2 closed client {n} early")
                echoed += chunk
            if n % 2 == 0:
                client.shutdown(socket.SHUT_WR)
                if client.recv(1) != b"":
                    sys.exit(f"client {n}: expected end of file")
    elapsed = time.monotonic() - began
    time.sleep(0.5)  # the last threads finish
    after = (fds(proc.pid), status_kib(proc.pid, "VmRSS:"))
    peak = status_kib(proc.pid, "VmHWM:")
    stop(proc)
    print(f"7.2, {clients} sequential clients in {elapsed:.1f} s:")
    print(f"  open descriptors: {before[0]} before, {after[0]} after")
    print(f"  resident memory:  {before[1] / 1024:.1f} MiB before, {after[1] / 1024:.1f} MiB after (peak {peak / 1024:.1f} MiB)")
    print(f"  exit code after SIGINT: {proc.returncode}")


def soak_11_12(bin_dir, mib):
    proc, port = start(os.path.join(bin_dir, "chapter11"), ["11.12", "--max-upload-mib", str(mib + 1)])
    samples = []
    done = threading.Event()

    def sample():
        while not done.is_set():
            samples.append(status_kib(proc.pid, "VmRSS:"))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    chunk = b"x" * (1 << 20)
    began = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as client:
        for _ in range(mib):
            client.sendall(chunk)
        client.shutdown(socket.SHUT_WR)
        client.settimeout(WAIT)
        answer = client.recv(1024)
    elapsed = time.monotonic() - began
    time.sleep(0.2)
    done.set()
    sampler.join()
    peak = status_kib(proc.pid, "VmHWM:")
    stop(proc)
    print(f"11.12, one {mib} MiB upload in {elapsed:.1f} s (answer {answer!r}):")
    print(f"  resident memory during the upload: max {max(samples) / 1024:.1f} MiB over {len(samples)} samples; peak (VmHWM) {peak / 1024:.1f} MiB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", default=os.environ.get("CARGO_TARGET_DIR", "target") + "/debug")
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--upload-mib", type=int, default=200)
    args = parser.parse_args()
    if not 1 <= args.clients <= 100_000 or not 1 <= args.upload_mib <= 4096:
        sys.exit("--clients must be 1..=100000 and --upload-mib 1..=4096")
    soak_7_2(args.bin_dir, args.clients)
    soak_11_12(args.bin_dir, args.upload_mib)


if __name__ == "__main__":
    main()
