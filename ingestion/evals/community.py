"""Community Evals: the ``evalResults`` items of a Hub model record, checked and flattened for landing.

The Hub serves one item per entry of a model repo's ``.eval_results/*.yaml`` files (../shared/docs/EVALS.md §3):
``{filename, verified, data: <the YAML entry>, pullRequest?}``, or ``{filename, error}`` for a file that failed the
Hub's own validation. ``parse_eval_items`` turns a record's items into landing rows and, for every item that cannot
be one, a quarantine row with the file and the reason: nothing is dropped silently.

The rules an entry must follow are those of the format (EVALS.md §1): ``dataset.id`` and ``dataset.task_id`` are
non-empty strings, ``value`` a finite number, ``date`` (optional) an ISO-8601 date or date-time, ``source.url``
present when ``source`` names a name, user or org. An entry dated more than a day after the repo's last commit
(the record's ``lastModified``: no file can be newer) or after it was observed is quarantined too: a date in the
future is a typing error, not a result.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

# The landing row of one valid entry (raw.hub_eval_results, after model_id, model_sha, crawl_id, observed_at).
ENTRY_COLUMNS = ("filename", "entry_no", "verified", "pull_request", "benchmark", "task", "dataset_revision",
                 "value", "evaluated_at", "source_url", "source_name", "source_user", "source_org", "notes",
                 "entry")


@dataclass(frozen=True)
class EvalEntry:
    filename: str | None
    entry_no: int  # the item's position in the record's evalResults
    verified: bool
    pull_request: int | None
    benchmark: str
    task: str
    dataset_revision: str | None
    value: float
    evaluated_at: datetime | None
    source_url: str | None
    source_name: str | None
    source_user: str | None
    source_org: str | None
    notes: str | None
    entry: str  # the entry as served (JSON)

    def row(self) -> tuple:
        return tuple(getattr(self, c) for c in ENTRY_COLUMNS)


@dataclass(frozen=True)
class RejectedEntry:
    filename: str | None
    entry_no: int
    item: str  # the item as served (JSON, cut at 10,000 characters)
    reason: str


def parse_eval_items(items, observed_at: datetime | None = None, last_commit: datetime | None = None,
                     ) -> tuple[list[EvalEntry], list[RejectedEntry]]:
    """The landing rows and the rejected items of one record's ``evalResults`` (``last_commit``: the record's
    lastModified, when known)."""
    if items is None:
        return [], []
    if not isinstance(items, list):
        return [], [RejectedEntry(None, 0, as_json(items), f"evalResults is {type(items).__name__}, not a list")]
    observed_at = observed_at or datetime.now(timezone.utc)
    latest, what = observed_at, "it was observed"
    if last_commit is not None and last_commit < observed_at:
        latest, what = last_commit, "the repo's last commit"
    entries, rejected = [], []
    for entry_no, item in enumerate(items):
        try:
            entries.append(_entry(item, entry_no, latest, what))
        except ValueError as exc:
            filename = item.get("filename") if isinstance(item, dict) else None
            rejected.append(RejectedEntry(filename if isinstance(filename, str) else None, entry_no, as_json(item),
                                          str(exc)))
    return entries, rejected


def _entry(item, entry_no: int, latest: datetime, what: str) -> EvalEntry:
    if not isinstance(item, dict):
        raise ValueError(f"an item is a JSON object, found {type(item).__name__}")
    if "error" in item:
        raise ValueError(f"the Hub rejected the file: {str(item['error'])[:1000]}")
    data = item.get("data", item)
    if not isinstance(data, dict):
        raise ValueError(f"the entry is a mapping, found {type(data).__name__}")
    dataset = data.get("dataset")
    if not isinstance(dataset, dict):
        raise ValueError("dataset is missing (a mapping with id and task_id)")
    benchmark = _required_text(dataset, "id", "dataset.id")
    task = _required_text(dataset, "task_id", "dataset.task_id")
    value = _finite_number(data.get("value"))
    source = data.get("source")
    if source is not None and not isinstance(source, dict):
        raise ValueError(f"source is a mapping, found {type(source).__name__}")
    source = source or {}
    if not source.get("url") and any(source.get(k) for k in ("name", "user", "org")):
        raise ValueError("source names a name, user or org but no url")
    evaluated_at = _evaluated_at(data.get("date"))
    if evaluated_at is not None and evaluated_at > latest + timedelta(days=1):
        raise ValueError(f"date {data.get('date')!s} is after {what} ({latest:%Y-%m-%d}): a date in the future")
    pull_request = item.get("pullRequest")
    if pull_request is not None and (isinstance(pull_request, bool) or not isinstance(pull_request, int)):
        raise ValueError(f"pullRequest {pull_request!r} is not a pull request number")
    revision = dataset.get("revision")
    return EvalEntry(
        filename=item.get("filename") if isinstance(item.get("filename"), str) else None,
        entry_no=entry_no,
        verified=item.get("verified") is True,
        pull_request=pull_request,
        benchmark=benchmark,
        task=task,
        dataset_revision=str(revision) if revision is not None else None,
        value=value,
        evaluated_at=evaluated_at,
        source_url=text_or_none(source.get("url")),
        source_name=text_or_none(source.get("name")),
        source_user=text_or_none(source.get("user")),
        source_org=text_or_none(source.get("org")),
        notes=text_or_none(data.get("notes")),
        entry=as_json(data),
    )


def _required_text(mapping: dict, key: str, name: str) -> str:
    value = mapping.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # an unquoted task id such as 2024 is still that id
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} is missing" if value is None else f"{name} {value!r} is not a non-empty string")
    return value.strip()


def _finite_number(value) -> float:
    if value is None:
        raise ValueError("value is missing")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"value {str(value)[:100]!r} is not a number")
    if not math.isfinite(value):
        raise ValueError(f"value {value!r} is not finite")
    return float(value)


def _evaluated_at(value) -> datetime | None:
    """An ISO-8601 date or date-time (a YAML date unquoted arrives as a date) as a UTC time; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"date {text[:100]!r} is not an ISO-8601 date or date-time") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    raise ValueError(f"date {value!r} is not an ISO-8601 date or date-time")


def text_or_none(value) -> str | None:
    return None if value is None else str(value)


def as_json(value) -> str:
    """``value`` as JSON (what cannot be, as its repr), cut at 10,000 characters: how an item is kept."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)[:10_000]
    except (TypeError, ValueError):
        return repr(value)[:10_000]
