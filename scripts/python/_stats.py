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


def report_work(count: int, unit: str, elapsed_s: float) -> None:
    """Under `compare` (RCT_COMPARE_WORK), record how many units of work
    (`orders`) the measured phase did and how long it took, as a Rust
    listing's `report_work` does, so the row gets a rate (orders/s)."""
    path = os.environ.get("RCT_COMPARE_WORK")
    if not path:
        return
    with open(path, "w", encoding="ascii") as out:
        out.write(f"{count} {int(elapsed_s * 1_000_000)} {unit} -\n")


def _end_with_compare() -> None:
    """Under `compare` (RCT_COMPARE_CHILD), ask Linux for SIGTERM when the
    parent dies, as the Rust children do, so a killed `compare` leaves no
    Python server running."""
    if os.environ.get("RCT_COMPARE_CHILD"):
        end_with_parent()


def end_with_parent() -> None:
    """Ask Linux for SIGTERM when this process's parent dies (a worker
    started by a script ends with it, however the script ends)."""
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
