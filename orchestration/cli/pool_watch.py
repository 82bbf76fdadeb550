"""Saying who holds the warehouse pool while a run waits for it.

Every step that writes the warehouse claims the one slot of the Dagster pool ``duckdb_warehouse``.
Dagster itself only logs "Step blocked by limit for pool" every five minutes, and spins while it waits.
The CLI therefore (1) waits, sleeping, before it starts a run while another run holds the slot, and
(2) watches its run while it executes; both say on the console, at once and every ``announce_s``
seconds, which run holds the slot (its job, step, start and process) and how long this one has waited.
The watcher also writes the message into the waiting run's own log, so the UI shows it too.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import dagster as dg

from orchestration.cli.background import in_background

PID_TAG, HOST_TAG = "observatory/pid", "observatory/host"


def holders(instance: dg.DagsterInstance, pool: str, *, other_than: str | None = None) -> list[str]:
    """A description of each run step that holds a slot of ``pool`` (besides run ``other_than``)."""
    info = instance.event_log_storage.get_concurrency_info(pool)
    return [describe_holder(instance, slot.run_id, slot.step_key)
            for slot in info.claimed_slots if slot.run_id != other_than]


def describe_holder(instance: dg.DagsterInstance, run_id: str, step_key: str) -> str:
    record = instance.get_run_record_by_id(run_id)
    if record is None:
        return f"run {run_id[:8]} (step {step_key}; unknown to this instance)"
    run = record.dagster_run
    parts = [f"job {run.job_name}", f"step {step_key}", f"status {run.status.value}"]
    if record.start_time:
        parts.append(f"started {datetime.fromtimestamp(record.start_time).strftime('%H:%M:%S')}")
    pid, host = run.tags.get(PID_TAG), run.tags.get(HOST_TAG)
    if pid:
        parts.append(f"pid {pid}" + (f" on {host}" if host and host != socket.gethostname() else ""))
    return f"run {run_id[:8]} ({', '.join(parts)})"


def _waiting_line(pool: str, limit: int | None, held_by: list[str], began: float) -> str:
    waited = time.monotonic() - began
    so_far = f"; waited {waited:.0f} s" if waited >= 1 else ""
    return (f"waiting for a slot of pool {pool} (limit {limit if limit is not None else '?'}), held by "
            f"{'; '.join(held_by)}{so_far}")


def wait_for_free_slot(instance: dg.DagsterInstance, pool: str, say: Callable[[str], None], *,
                       announce_s: float = 10.0, poll_s: float = 0.5) -> float:
    """Sleep until ``pool`` has a free slot (or has no limit), announcing the holders; the seconds waited."""
    began, next_announcement = time.monotonic(), 0.0
    while instance.event_log_storage.supports_global_concurrency_limits:
        info = instance.event_log_storage.get_concurrency_info(pool)
        if info.limit is None or len(info.claimed_slots) < info.limit:
            break
        now = time.monotonic()
        if now >= next_announcement:
            say(_waiting_line(pool, info.limit, holders(instance, pool), began))
            next_announcement = now + announce_s
        time.sleep(poll_s)
    return time.monotonic() - began


@contextmanager
def watch_run(instance: dg.DagsterInstance, run_id: str, pool: str, say: Callable[[str], None], *,
              announce_s: float = 10.0, poll_s: float = 1.0) -> Iterator[None]:
    """While the block runs run ``run_id``: whenever one of its steps waits for ``pool``, say who holds it,
    at once and every ``announce_s`` seconds, on the console and in the run's log."""
    if not instance.event_log_storage.supports_global_concurrency_limits:  # an in-memory instance: no pools
        yield
        return

    def watch(stop) -> None:
        began: float | None = None
        next_announcement = 0.0
        while not stop.wait(poll_s):
            try:
                info = instance.event_log_storage.get_concurrency_info(pool)
                waiting = any(p.run_id == run_id and p.assigned_timestamp is None for p in info.pending_steps)
                held_by = holders(instance, pool, other_than=run_id) if waiting else []
            except Exception:  # the storage is busy or closing: look again at the next poll
                continue
            if not (waiting and held_by):
                began = None
                continue
            now = time.monotonic()
            began = began if began is not None else now
            if now >= next_announcement:
                line = _waiting_line(pool, info.limit, held_by, began)
                say(f"run {run_id[:8]}: {line}")
                run = instance.get_run_by_id(run_id)
                if run is not None:
                    instance.report_engine_event(line, run)
                next_announcement = now + announce_s

    with in_background(watch, f"pool-watch-{run_id[:8]}", join_s=5):
        yield
