"""Deterministic faults injected into the Hub stand-in (tests only)."""

from __future__ import annotations

import socket
import threading
import time

from ingestion.standin.api import HubRequestHandler

FAULT_KINDS = ("429", "500", "503", "slow", "drop", "cut")


class FaultPlan:
    """Deterministic faults for tests: the n-th matching request (1-based) gets a fault.

    Kinds: ``429`` (with Retry-After and RateLimit headers), ``500``, ``503``, ``slow``
    (answers after ``delay`` seconds), ``drop`` (closes the connection without answering),
    ``cut`` (sends the headers and half the body, then closes). Only requests whose path
    starts with ``path_prefix`` count. Every fault served is recorded in ``served``.
    """

    def __init__(self, faults: dict[int, str], path_prefix: str = "/api/models", retry_after: float = 1,
                 delay: float = 0.5):
        bad = {k for k in faults.values() if k not in FAULT_KINDS}
        if bad:
            raise ValueError(f"unknown fault kinds {bad}; known: {FAULT_KINDS}")
        self.faults = dict(faults)
        self.path_prefix = path_prefix
        self.retry_after = retry_after
        self.delay = delay
        self.count = 0
        self.served: list[tuple[int, str, str]] = []
        self._lock = threading.Lock()

    @classmethod
    def every(cls, n: int, kind: str, times: int, start: int = 1, **kwargs) -> FaultPlan:
        """``times`` faults of one kind, on requests start, start+n, start+2n, ..."""
        return cls({start + i * n: kind for i in range(times)}, **kwargs)

    def __call__(self, handler: HubRequestHandler) -> bool:
        if not handler.path.startswith(self.path_prefix):
            return False
        with self._lock:
            self.count += 1
            kind = self.faults.get(self.count)
            if kind:
                self.served.append((self.count, kind, handler.path))
        if kind is None:
            return False
        if kind == "slow":
            time.sleep(self.delay)
            return False  # then answer normally
        if kind in ("429", "500", "503"):
            status = int(kind)
            headers = {}
            if status == 429:
                headers = {"Retry-After": f"{self.retry_after:g}",
                           "RateLimit": f'"api";r=0;t={max(1, round(self.retry_after))}',
                           "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
            handler._send_json({"error": f"injected {kind}"}, status=status, headers=headers)
            return True
        if kind == "drop":
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return True
        # cut: a page promised in full, half delivered
        body = b'[{"_id":"x","id":"cut/off"},' + b" " * 4000
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body) * 2))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)
        return True
