"""Retries and alerts shared by every job.

The steps that fetch (the raw assets) retry transient trouble (the Hub rate-limiting or
down for a while) twice more, waiting ``OBSERVATORY_RETRY_DELAY_SECONDS`` (default 60) then twice that,
with jitter; the HTTP layer below already retried each request. A step that still fails
raises an ALERT in the run log naming the step and the cause. Bad data and bad
configuration are not transient: they fail at once, without retries (``fail_fast``). Nothing is lost: the Hub
crawl resumes from its checkpoint, and the next scheduled run starts from the watermark
of the last complete crawl.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from ingestion import settings


def step_retry_policy() -> dg.RetryPolicy:
    return dg.RetryPolicy(
        max_retries=settings.step_retries(),
        delay=settings.retry_delay_seconds(),
        backoff=dg.Backoff.EXPONENTIAL,
        jitter=dg.Jitter.PLUS_MINUS,
    )


@contextmanager
def fail_fast() -> Iterator[None]:
    """Errors that a retry cannot fix (a malformed file, a missing column, a bad setting) fail the step
    at once with their message; anything else (network, rate limits) is left to the retry policy."""
    try:
        yield
    except (ValueError, FileNotFoundError) as exc:  # LeaderboardSchemaError is a ValueError
        raise dg.Failure(description=f"{type(exc).__name__}: {exc}", allow_retries=False) from exc


@dg.failure_hook(name="alert_on_permanent_failure")
def alert_on_permanent_failure(context: dg.HookContext) -> None:
    """Runs once a step has failed for good (after its retries): an ALERT with the cause."""
    cause = context.op_exception
    reason = f"{type(cause).__name__}: {cause}" if cause is not None else "see the step's log"
    context.log.error(
        f"ALERT: step {context.step_key} of run {context.run_id[:8]} failed after its retries. Cause: "
        f"{reason[:2000]}. Nothing already landed was changed; the next scheduled run resumes from the last "
        "complete crawl's watermark (an interrupted crawl resumes from its checkpoint)."
    )
