"""One writer at a time on the DuckDB warehouse, across processes.

DuckDB lets one process open a database file for writing; a second process gets an
"IO Error: Could not set lock on file" instead of waiting. Every writer (the landing
assets, the checks, dbt) therefore takes this lock first: an advisory ``flock`` on
``<warehouse>.lock`` beside the file. A writer that finds it taken waits, says so
(who holds it, how long it waited), and carries on when the holder is done; nothing
fails with a lock error. The lock is re-entrant within a process (a step that holds it
may open the warehouse again), and the operating system releases it if the holder dies.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_held: dict[str, int] = {}  # lock path -> depth, for re-entry within this process
_guard = threading.Lock()


class WarehouseLockTimeout(TimeoutError):
    pass


def lock_path(warehouse: str | Path) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + ".lock")


@contextmanager
def warehouse_write_lock(warehouse: str | Path, holder: str = "", *, timeout_s: float = 6 * 3600,
                         poll_s: float = 0.5, on_wait: Callable[[str], None] | None = None,
                         announce_s: float = 10.0) -> Iterator[float]:
    """Hold the warehouse's write lock for the block; yields the seconds spent waiting for it. While it
    waits, ``on_wait`` hears who holds the lock, at once and every ``announce_s`` seconds."""
    path = lock_path(warehouse)
    key = os.path.abspath(path)
    with _guard:
        if _held.get(key):
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield 0.0
        finally:
            with _guard:
                _held[key] -= 1
        return

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    began = time.monotonic()
    next_announcement = began
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                now = time.monotonic()
                if on_wait and now >= next_announcement:  # at once, then every announce_s while waiting
                    waited_so_far = f" (waited {now - began:.0f} s)" if now > began + 1 else ""
                    on_wait(f"waiting for the warehouse write lock ({path.name}), held by "
                            f"{_read_holder(fd)}{waited_so_far}")
                    next_announcement = now + announce_s
                if time.monotonic() - began > timeout_s:
                    raise WarehouseLockTimeout(
                        f"gave up after {timeout_s:.0f} s waiting for the warehouse write lock {path}, "
                        f"held by {_read_holder(fd)}") from None
                time.sleep(poll_s)
        waited = time.monotonic() - began
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "holder": holder,
                                  "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}).encode(), 0)
        with _guard:
            _held[key] = 1
        try:
            yield waited
        finally:
            with _guard:
                _held.pop(key, None)
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read_holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        return "another process"
    if not info:
        return "another process"
    return f"{info.get('holder') or 'a writer'} (pid {info.get('pid')}, since {info.get('since')})"
