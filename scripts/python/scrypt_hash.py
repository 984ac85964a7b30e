"""scrypt (N=2048, r=8, p=1, 64-byte key) over random passwords with
hashlib (OpenSSL), one at a time, on a thread pool (sized to the cores, or
N), or on a pool of N processes.

The Python side of listings 7.16 and 7.17 (`hashing`, and chapter 7's
`compare scaling`); hashlib releases the GIL while it hashes, so threads
help here.
python3 scrypt_hash.py [--passwords 10000] [--threads [N] | --processes N]
"""

import argparse
import concurrent.futures
import hashlib
import os
import random
import string
import time

import _stats  # noqa: F401  (reports CPU time and memory to `compare`)


def hash_password(password: str) -> bytes:
    return hashlib.scrypt(password.encode(), salt=os.urandom(16), n=2048, r=8, p=1, dklen=64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passwords", type=int, default=10_000)
    parser.add_argument("--threads", type=int, nargs="?", const=os.cpu_count(), default=None)
    parser.add_argument("--processes", type=int, default=None)
    args = parser.parse_args()

    passwords = ["".join(random.choices(string.ascii_lowercase, k=10)) for _ in range(args.passwords)]
    start = time.perf_counter()
    if args.processes:
        with concurrent.futures.ProcessPoolExecutor(max_workers=args.processes) as pool:
            hashes = list(pool.map(hash_password, passwords, chunksize=16))
    elif args.threads:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.threads) as pool:
            hashes = list(pool.map(hash_password, passwords))
    else:
        hashes = [hash_password(p) for p in passwords]
    took = time.perf_counter() - start
    print(f"{len(hashes)} hashes in {took:.4f} s, {took / len(hashes) * 1000:.3f} ms per hash")


if __name__ == "__main__":
    main()
