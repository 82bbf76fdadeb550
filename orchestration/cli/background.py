"""A watcher thread for the length of a block (the pool watch, the step lines)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def in_background(watch: Callable[[threading.Event], None], name: str, *, join_s: float = 10.0) -> Iterator[None]:
    """Run ``watch(stop)`` in a daemon thread while the block runs; ``stop`` is set when the block ends, and
    the thread is given ``join_s`` seconds to finish its last look."""
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(stop,), name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=join_s)
