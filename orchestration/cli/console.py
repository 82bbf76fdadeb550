"""What the `observatory` commands print while they run jobs.

By default the console gets a short account: one line per step with its time, the checks that did not pass
(with examples), and the summary. Everything else Dagster and dbt say (every log line, dbt's line per node)
goes to a log file beside the warehouse, whose path is printed first; ``--verbose`` streams it to the
console instead, as it happens.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.cli.background import in_background

if TYPE_CHECKING:  # dagster is imported where a run is watched, not by every command (`sql` answers at once)
    import dagster as dg

_terminal = None  # the console while the full log is redirected to a file
_log_path: Path | None = None
# Log lines a run's steps write that the console shows as well: waits for the warehouse lock
# (ingestion/warehouse/lock.py) and how long they lasted (orchestration/resources.py).
WAIT_MESSAGES = ("waiting for the warehouse write lock", "waited ")


def say(message: str) -> None:
    """A line for the person at the console (never into the full log only)."""
    print(message, file=_terminal or sys.stdout, flush=True)


def log_file_for(warehouse: Path, command: str) -> Path:
    return warehouse.parent / "logs" / f"{command}-{datetime.now().strftime('%Y%m%dT%H%M%S')}.log"


@contextmanager
def full_log(path: Path | None) -> Iterator[None]:
    """Send what Dagster and dbt print to ``path`` (appended) for the block; ``None`` leaves it on the console."""
    global _terminal, _log_path
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    say(f"full log: {path}  (--verbose prints it here)")
    terminal = sys.stdout
    with path.open("a", encoding="utf-8") as handle, redirect_stdout(handle), redirect_stderr(handle):
        _terminal, _log_path = terminal, path
        try:
            yield
        finally:
            _terminal = None


def where_the_log_is() -> str:
    """Where to read what went wrong: the log file of this command, or the console above."""
    return str(_log_path) if _log_path else "the log above"


def quiet() -> bool:
    """Whether the full log goes to a file (the console then needs the step lines)."""
    return _terminal is not None


@contextmanager
def step_lines(instance: dg.DagsterInstance, run_id: str, *, indent: str = "  ",
               poll_s: float = 0.5) -> Iterator[None]:
    """While the block runs run ``run_id``: a line per step that ends (with its time) and every wait for the
    warehouse lock, read from the run's event log as it is written."""
    import dagster as dg

    step_events = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS,
                   dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.STEP_UP_FOR_RETRY}
    started: dict[str, float] = {}

    def report(records) -> None:
        for record in records:
            entry = record.event_log_entry
            event = entry.dagster_event
            if event is None:
                # a step that waits for the warehouse lock says so on the console too, not only in the log
                if entry.user_message.startswith(WAIT_MESSAGES):
                    say(f"{indent}{entry.step_key or 'run'}: {entry.user_message}")
                continue
            if event.event_type not in step_events or not event.step_key:
                continue
            step = event.step_key
            if event.event_type == dg.DagsterEventType.STEP_START:
                started[step] = entry.timestamp
                continue
            took = entry.timestamp - started.get(step, entry.timestamp)
            outcome = {dg.DagsterEventType.STEP_SUCCESS: "done",
                       dg.DagsterEventType.STEP_FAILURE: "FAILED",
                       dg.DagsterEventType.STEP_UP_FOR_RETRY: "failed, will retry"}[event.event_type]
            say(f"{indent}{step:<58} {outcome:>6} {took:7.1f} s")

    def poll(stop) -> None:
        cursor = None
        while True:
            finished = stop.is_set()
            try:
                page = instance.get_records_for_run(run_id, cursor=cursor)
                cursor = page.cursor
                report(page.records)
            except Exception:  # the storage is busy or not written yet: look again
                pass
            if finished:
                return
            stop.wait(poll_s)

    with in_background(poll, f"steps-{run_id[:8]}"):
        yield
