"""Reports this process's CPU time and peak memory to `compare`.

Importing the module registers an exit hook. When the environment names a
stats file (RCT_COMPARE_STATS, set by the Rust runner's `compare`), the hook
writes `cpu_microseconds peak_rss_bytes` there, the same two numbers the
Rust listings report, so both sides of a comparison are measured alike.
"""

import atexit
import os
import resource


def _write_stats() -> None:
    path = os.environ.get("RCT_COMPARE_STATS")
    if not path:
        return
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    peak = max(own.ru_maxrss, children.ru_maxrss) * 1024  # KiB on Linux
    with open(path, "w", encoding="ascii") as out:
        out.write(f"{int(cpu * 1_000_000)} {peak}\n")


atexit.register(_write_stats)


def _end_with_compare() -> None:
    """Under `compare` (RCT_COMPARE_CHILD), ask Linux for SIGTERM when the
    parent dies, as the Rust children do, so a killed `compare` leaves no
    Python server running."""
    if not os.environ.get("RCT_COMPARE_CHILD"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() == 1:  # the parent died before the call above
            os._exit(1)
    except (OSError, AttributeError):
        pass  # not Linux: nothing to ask for


_end_with_compare()
