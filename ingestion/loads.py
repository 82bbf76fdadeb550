"""End-to-end loads: fetch from a source and land it in the warehouse.

Each returns a small result with the figures a caller reports (Dagster
metadata, CLI output). A ``progress`` callback receives a line of text per
page or file, so long loads show progress wherever they run.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.config import LEADERBOARD_FILENAME, LEADERBOARD_REPO_ID
from ingestion.hub import HubClient, redact
from ingestion.landing import (
    HubModelLanding,
    abandon_unfinished_crawls,
    last_complete_crawl_start,
    loaded_revisions,
    replace_leaderboard_source,
)
from ingestion.leaderboard import archive_files, read_csv_export, read_hub_parquet, snapshot_date_from_name

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclasses.dataclass
class HubLoadResult:
    crawl_id: str
    mode: str
    scope: str
    watermark: str | None
    records: int
    new: int
    changed: int
    unchanged: int
    removed: int
    quarantined: int
    pages: int
    seconds: float
    quarantine_reasons: dict[str, int]
    resumed_at_page: int | None = None
    fetch_seconds: float = 0.0   # waiting for and parsing pages (HTTP + JSON)
    land_seconds: float = 0.0    # writing pages to the loading table
    commit_seconds: float = 0.0  # the final atomic upsert
    not_found: int = 0           # scope 'leaderboard': ids the Hub does not have (any more)

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


class ThrottledProgress:
    """Reports progress at most every ``interval`` seconds (and always at the end); optionally a tqdm bar."""

    def __init__(self, report: Progress, interval: float = 5.0, bar: bool = False, unit: str = "models"):
        self.report = report
        self.interval = interval
        self.last = 0.0
        self.bar = None
        if bar:
            from tqdm import tqdm

            self.bar = tqdm(unit=f" {unit}", unit_scale=True, dynamic_ncols=True, desc="hub models")

    def update(self, advance: int, text: str, force: bool = False) -> None:
        if self.bar is not None:
            self.bar.update(advance)
        now = time.monotonic()
        if force or now - self.last >= self.interval:
            self.last = now
            self.report(text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


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
                    progress: Progress = _quiet, progress_bar: bool = False,
                    progress_interval: float = 5.0) -> HubLoadResult:
    """Crawl the model listing in scope and land it atomically at the end.

    ``mode``: ``full`` walks the whole scope (sorted by createdAt, stable under edits) and
    records models it no longer sees as removed; ``incremental`` walks by lastModified,
    newest first, and stops at the watermark (start of the last complete crawl of the
    scope, minus ``watermark_margin``); ``auto`` is incremental when such a crawl exists.
    An unfinished crawl of the same query is resumed from its last checkpointed page.
    """
    began = time.perf_counter()
    scope = scope_key(pipeline_tag, filters)
    last_start = last_complete_crawl_start(con, client.endpoint, scope)
    if mode == "auto":
        mode = "incremental" if last_start is not None else "full"
    if mode not in ("full", "incremental"):
        raise ValueError(f"mode must be auto, full or incremental, not {mode!r}")
    if mode == "incremental" and last_start is None:
        raise ValueError(f"no complete crawl of scope {scope!r} yet: an incremental refresh needs a full crawl first")
    sort = "lastModified" if mode == "incremental" else "createdAt"
    start_url = client.list_model_urls(sort=sort, page_size=page_size, pipeline_tag=pipeline_tag, filters=filters)
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
        landing.fail(redact(f"{type(exc).__name__}: {exc}", client._token))
        raise
    finally:
        reporter.close()
    commit_began = time.perf_counter()
    stats = landing.commit()
    commit_seconds = time.perf_counter() - commit_began
    seconds = time.perf_counter() - began
    progress(f"hub models: {mode} crawl complete: {stats.records} records in {stats.pages} pages, "
             f"{stats.new} new, {stats.changed} changed, {stats.removed} removed, {stats.quarantined} quarantined, "
             f"{seconds:.1f} s")
    return HubLoadResult(stats.crawl_id, mode, scope, watermark.isoformat() if watermark else None,
                         stats.records, stats.new, stats.changed, stats.unchanged, stats.removed,
                         stats.quarantined, stats.pages, seconds, dict(stats.quarantine_reasons), resumed_at,
                         fetch_seconds, land_seconds, commit_seconds)


@dataclasses.dataclass
class LeaderboardLoadResult:
    revision: str | None
    snapshot_date: str | None
    rows: int
    skipped: bool
    files: dict[str, int] = dataclasses.field(default_factory=dict)


def load_leaderboard_from_hub(con: duckdb.DuckDBPyConnection, client: HubClient, cache_dir: Path, *,
                              repo_id: str = LEADERBOARD_REPO_ID, filename: str = LEADERBOARD_FILENAME,
                              progress: Progress = _quiet) -> LeaderboardLoadResult:
    """Download the leaderboard parquet at the dataset's current revision; skip a revision already loaded."""
    revision, modified = client.dataset_revision(repo_id)
    commit_date = datetime.fromisoformat(modified).date() if modified else date.today()
    if revision in loaded_revisions(con):
        progress(f"leaderboard {repo_id}@{revision[:12]}: already loaded, nothing to do")
        return LeaderboardLoadResult(revision, None, 0, skipped=True)
    return load_leaderboard_revision(con, client, cache_dir, revision, commit_date, repo_id=repo_id,
                                     filename=filename, progress=progress)


def load_leaderboard_revision(con: duckdb.DuckDBPyConnection, client: HubClient, cache_dir: Path, revision: str,
                              commit_date: date, *, repo_id: str = LEADERBOARD_REPO_ID,
                              filename: str = LEADERBOARD_FILENAME,
                              progress: Progress = _quiet) -> LeaderboardLoadResult:
    """Land the leaderboard parquet of one dataset revision, replacing whatever that revision landed
    before (exactly: one transaction; a file that cannot be read changes nothing)."""
    progress(f"leaderboard {repo_id}@{revision[:12]}: downloading {filename}")
    path = client.download_dataset_file(repo_id, filename, revision, cache_dir)
    rows = read_hub_parquet(path, revision=revision, commit_date=commit_date,
                            source_name=f"{repo_id}@{revision}")
    snap = rows["snapshot_date"].iloc[0]
    n = replace_leaderboard_source(con, "leaderboard_hub_results", rows)
    progress(f"leaderboard {repo_id}@{revision[:12]}: landed {n} rows (snapshot {snap})")
    return LeaderboardLoadResult(revision, snap, n, skipped=False, files={filename: n})


def archive_snapshot_dates(folder: Path) -> list[str]:
    """The snapshot dates (YYYY-MM-DD) of a folder's dated exports, oldest first: one partition each."""
    return sorted({snapshot_date_from_name(p).isoformat() for p in archive_files(folder)})


def load_leaderboard_archive(con: duckdb.DuckDBPyConnection, folder: Path, progress: Progress = _quiet,
                             snapshot_date: str | None = None) -> LeaderboardLoadResult:
    """Import the dated CSV exports of a folder, one snapshot per file date (all of them, or those of
    ``snapshot_date``). Every file is read, and so validated, before any is landed: a bad file changes
    nothing. Re-importing replaces the snapshot's rows exactly."""
    files = archive_files(folder)
    if snapshot_date is not None:
        files = [p for p in files if snapshot_date_from_name(p).isoformat() == snapshot_date]
        if not files:
            raise FileNotFoundError(f"no leaderboard export dated {snapshot_date} in {folder}")
    counts: dict[str, int] = {}
    frames = []
    for k, path in enumerate(files, 1):
        frames.append(read_csv_export(path))
        progress(f"leaderboard archive: read {k}/{len(files)} {path.name} ({len(frames[-1])} rows)")
    if not frames:
        return LeaderboardLoadResult(None, None, 0, skipped=True)
    for path, frame in zip(files, frames, strict=True):
        counts[path.name] = len(frame)
    # One transaction for everything read.
    replace_leaderboard_source(con, "leaderboard_archive_results", pd.concat(frames, ignore_index=True),
                               snapshot_date=snapshot_date)
    return LeaderboardLoadResult(None, snapshot_date, sum(counts.values()), skipped=False, files=counts)


LEADERBOARD_SCOPE = "leaderboard"
_PARENT_PREFIX = "base_model:"
_RELATIONS = ("finetune", "adapter", "quantized", "merge")


def declared_parents(record: dict) -> list[str]:
    """Parent repo ids a Hub record declares, from its lineage tags and its card's base_model."""
    parents: list[str] = []
    for tag in record.get("tags") or ():
        if isinstance(tag, str) and tag.startswith(_PARENT_PREFIX):
            rest = tag[len(_PARENT_PREFIX):]
            head, _, tail = rest.partition(":")
            parents.append(tail if head in _RELATIONS and tail else rest)
    card = record.get("cardData") or {}
    base = card.get("base_model") if isinstance(card, dict) else None
    parents += [base] if isinstance(base, str) else [b for b in base or () if isinstance(b, str)]
    seen: dict[str, None] = {}
    for parent in parents:
        if parent and parent != record.get("id") and "/" in parent:
            seen.setdefault(parent.strip(), None)
    return list(seen)


def leaderboard_model_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("""
        select distinct trim(model_id) from (
            select model_id from raw.leaderboard_hub_results
            union all select model_id from raw.leaderboard_archive_results)
        where regexp_matches(trim(model_id), '^[^/\\s]+/[^/\\s]+$')
        order by 1""").fetchall()
    return [r[0] for r in rows]


def load_leaderboard_models_and_ancestors(con: duckdb.DuckDBPyConnection, client: HubClient, *,
                                          workers: int = 8, batch_size: int = 500, resume: bool = True,
                                          progress: Progress = _quiet, progress_interval: float = 5.0
                                          ) -> HubLoadResult:
    """Scope 'leaderboard': every model on the landed leaderboards plus all their ancestors.

    Fetched one by one from ``/api/models/{id}`` (listing cannot select by id), walking
    declared parents breadth first, a few requests at a time. Models the Hub no longer
    has are counted as not found and, like any model of the scope a crawl no longer sees,
    recorded as removed. Landed in batches; an interrupted crawl resumes with what it had.
    """
    from concurrent.futures import ThreadPoolExecutor

    began = time.perf_counter()
    query = "scope=leaderboard"
    landing = HubModelLanding.resume(con, client.endpoint, query, scope=LEADERBOARD_SCOPE, mode="full") \
        if resume else None
    resumed_at = None
    done: set[str] = set()
    frontier: list[str] = leaderboard_model_ids(con)
    if not frontier:
        raise ValueError("scope 'leaderboard' needs leaderboard results landed first (raw.leaderboard_*_results)")
    if landing is not None:
        resumed_at = landing.stats.pages
        for model_id, payload in con.execute(
                "select model_id, payload from raw.hub_models_loading where crawl_id = ?",
                [landing.crawl_id]).fetchall():
            done.add(model_id)
            frontier += declared_parents(json.loads(payload))
        progress(f"resuming crawl {landing.crawl_id}: {len(done)} models already fetched")
    else:
        abandon_unfinished_crawls(con, client.endpoint, LEADERBOARD_SCOPE)
        landing = HubModelLanding(con, client.endpoint, query, scope=LEADERBOARD_SCOPE, mode="full")
    reporter = ThrottledProgress(progress, progress_interval)
    not_found = 0
    queued = set(done)
    todo = [m for m in dict.fromkeys(frontier) if m not in queued]
    queued.update(todo)
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            while todo:
                batch, todo = todo[:batch_size], todo[batch_size:]
                records = [r for r in pool.map(client.model_info_raw, batch) if r is not None]
                not_found += len(batch) - len(records)
                for record in records:
                    for parent in declared_parents(record):
                        if parent not in queued:
                            queued.add(parent)
                            todo.append(parent)
                landing.add_page(records, "bfs" if todo else None)
                s = landing.stats
                reporter.update(len(records), f"hub models (leaderboard scope): {s.records} fetched, "
                                f"{len(todo)} queued, {not_found} not found")
    except BaseException as exc:
        landing.fail(redact(f"{type(exc).__name__}: {exc}", client._token))
        raise
    stats = landing.commit()
    seconds = time.perf_counter() - began
    progress(f"hub models (leaderboard scope): {stats.records} models, {not_found} not found on the Hub, "
             f"{stats.removed} removed since the last crawl, {seconds:.1f} s")
    result = HubLoadResult(stats.crawl_id, "full", LEADERBOARD_SCOPE, None, stats.records, stats.new,
                           stats.changed, stats.unchanged, stats.removed, stats.quarantined, stats.pages,
                           seconds, dict(stats.quarantine_reasons), resumed_at, not_found=not_found)
    return result
