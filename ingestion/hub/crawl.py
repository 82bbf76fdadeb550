"""Crawling the Hub's model listing into ``raw.hub_models`` (scope 'all', optionally one pipeline tag).

``load_hub_models`` walks the listing page by page through the Hub client and lands each page
(``ingestion.hub.landing``); the crawl becomes visible when complete. Modes: ``full`` (the whole
scope, sorted by createdAt; models no longer seen are recorded as removed), ``incremental``
(newest-modified first, down to the watermark), ``auto`` (incremental once a complete crawl exists).
The other scope, 'leaderboard', is in ``ingestion.hub.ancestors``.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime, timedelta

import duckdb

from ingestion.hub.client import HubClient
from ingestion.hub.landing import HubModelLanding, abandon_unfinished_crawls, last_complete_crawl_start
from ingestion.progress import Progress, ThrottledProgress, quiet

MODES = ("auto", "full", "incremental")
# the order a crawl lists the Hub's models in: a full one by creation date (stable under edits), an
# incremental one newest-modified first (it stops at the watermark)
LISTING_SORT = {"full": "createdAt", "incremental": "lastModified"}


@dataclasses.dataclass
class HubLoadResult:
    crawl_id: str
    mode: str
    scope: str
    records: int
    new: int
    changed: int
    unchanged: int
    removed: int
    quarantined: int
    pages: int
    seconds: float
    quarantine_reasons: dict[str, int]
    watermark: str | None = None
    resumed_at_page: int | None = None
    fetch_seconds: float = 0.0   # waiting for and parsing pages (HTTP + JSON)
    land_seconds: float = 0.0    # writing pages to the loading table
    commit_seconds: float = 0.0  # the final atomic upsert
    not_found: int = 0           # scope 'leaderboard': ids the Hub does not have (any more)

    @classmethod
    def from_stats(cls, stats, *, mode: str, scope: str, seconds: float, **extra) -> HubLoadResult:
        """The result of a committed crawl, from its landing statistics (``CrawlStats``)."""
        return cls(crawl_id=stats.crawl_id, mode=mode, scope=scope, records=stats.records, new=stats.new,
                   changed=stats.changed, unchanged=stats.unchanged, removed=stats.removed,
                   quarantined=stats.quarantined, pages=stats.pages, seconds=seconds,
                   quarantine_reasons=dict(stats.quarantine_reasons), **extra)

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


def scope_key(pipeline_tag: str | None, filters: tuple[str, ...]) -> str:
    """A stable name for what a crawl covers, e.g. 'all' or 'pipeline_tag=text-generation'."""
    parts = ([f"pipeline_tag={pipeline_tag}"] if pipeline_tag else []) + [f"filter={f}" for f in sorted(filters)]
    return ";".join(parts) or "all"


def _modified_at(record) -> datetime | None:
    if not isinstance(record, dict):
        return None
    value = record.get("lastModified")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _is_fresh(record, watermark: datetime) -> bool:
    """Modified at or after the watermark; records that are not objects are kept (to be quarantined)."""
    if not isinstance(record, dict):
        return True
    modified = _modified_at(record)
    return modified is not None and modified >= watermark


def load_hub_models(con: duckdb.DuckDBPyConnection, client: HubClient, *, mode: str = "auto",
                    page_size: int = 1000, pipeline_tag: str | None = None, filters: tuple[str, ...] = (),
                    watermark_margin: timedelta = timedelta(minutes=30), resume: bool = True,
                    progress: Progress = quiet, progress_bar: bool = False,
                    progress_interval: float = 5.0, promote: bool = True) -> HubLoadResult:
    """Crawl the model listing in scope and land it atomically at the end.

    ``mode``: ``full`` walks the whole scope (sorted by createdAt, stable under edits) and
    records models it no longer sees as removed; ``incremental`` walks by lastModified,
    newest first, and stops at the watermark (start of the last complete crawl of the
    scope, minus ``watermark_margin``); ``auto`` is incremental when such a crawl exists.
    An unfinished crawl of the same query is resumed from its last checkpointed page. Without ``promote``
    the complete crawl stays landed (status 'landed') until its checks accept or reject it.
    """
    began = time.perf_counter()
    scope = scope_key(pipeline_tag, filters)
    last_start = last_complete_crawl_start(con, client.endpoint, scope)
    if mode == "auto":
        mode = "incremental" if last_start is not None else "full"
    if mode not in MODES[1:]:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "incremental" and last_start is None:
        raise ValueError(f"no complete crawl of scope {scope!r} yet: an incremental refresh needs a full crawl first")
    start_url = client.list_model_urls(sort=LISTING_SORT[mode], page_size=page_size, pipeline_tag=pipeline_tag,
                                       filters=filters)
    query = start_url.split("?", 1)[1]

    landing = HubModelLanding.resume(con, client.endpoint, query, scope=scope, mode=mode) if resume else None
    resumed_at = None
    if landing is not None:
        resumed_at = landing.stats.pages
        start_url = landing.resumed_from
        progress(f"resuming crawl {landing.crawl_id} after page {resumed_at} ({landing.stats.records} records)")
    else:
        watermark = (last_start - watermark_margin) if mode == "incremental" else None
        abandon_unfinished_crawls(con, client.endpoint, scope)
        landing = HubModelLanding(con, client.endpoint, query, scope=scope, mode=mode, watermark=watermark)
    watermark = landing.watermark
    progress(f"hub models: {mode} crawl {landing.crawl_id} of scope {scope!r} from {client.endpoint}"
             + (f", watermark {watermark.isoformat()}" if watermark else ""))
    reporter = ThrottledProgress(progress, progress_interval, bar=progress_bar)
    fetch_seconds = land_seconds = 0.0
    mark = time.perf_counter()
    try:
        for page in client.iter_model_pages(start_url):
            fetched = time.perf_counter()
            fetch_seconds += fetched - mark
            records, next_url = page.records, page.next_url
            if watermark is not None:
                fresh = [r for r in records if _is_fresh(r, watermark)]
                if len(fresh) < len(records):
                    records, next_url = fresh, None  # sorted newest first: the rest is older
            landing.add_page(records, next_url)
            mark = time.perf_counter()
            land_seconds += mark - fetched
            s = landing.stats
            elapsed = time.perf_counter() - began
            reporter.update(len(records), f"hub models: page {s.pages}, {s.records} records "
                            f"({s.records / elapsed if elapsed else 0:.0f}/s), {s.quarantined} quarantined")
            if next_url is None:
                break
    except BaseException as exc:
        landing.fail(client.redact(f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        reporter.close()
    commit_began = time.perf_counter()
    stats = landing.commit(promote=promote)
    commit_seconds = time.perf_counter() - commit_began
    seconds = time.perf_counter() - began
    progress(f"hub models: {mode} crawl complete: {stats.records} records in {stats.pages} pages, "
             f"{stats.new} new, {stats.changed} changed, {stats.removed} removed, {stats.quarantined} quarantined, "
             f"{seconds:.1f} s")
    return HubLoadResult.from_stats(stats, mode=mode, scope=scope, seconds=seconds,
                                    watermark=watermark.isoformat() if watermark else None,
                                    resumed_at_page=resumed_at, fetch_seconds=fetch_seconds,
                                    land_seconds=land_seconds, commit_seconds=commit_seconds)
