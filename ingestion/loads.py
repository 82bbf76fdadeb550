"""End-to-end loads: fetch from a source and land it in the warehouse.

Each returns a small result with the figures a caller reports (Dagster
metadata, CLI output). A ``progress`` callback receives a line of text per
page or file, so long loads show progress wherever they run.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.config import LEADERBOARD_FILENAME, LEADERBOARD_REPO_ID
from ingestion.hub import HubClient, redact
from ingestion.landing import HubModelLanding, loaded_revisions, replace_leaderboard_source
from ingestion.leaderboard import archive_files, read_csv_export, read_hub_parquet

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclasses.dataclass
class HubLoadResult:
    crawl_id: str
    records: int
    new: int
    changed: int
    unchanged: int
    quarantined: int
    pages: int
    seconds: float
    quarantine_reasons: dict[str, int]

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


def load_hub_models(con: duckdb.DuckDBPyConnection, client: HubClient, *, page_size: int = 1000,
                    pipeline_tag: str | None = None, filters: tuple[str, ...] = (),
                    progress: Progress = _quiet) -> HubLoadResult:
    """A full crawl of the model listing in scope, landed atomically at the end."""
    began = time.perf_counter()
    start_url = client.list_model_urls(page_size=page_size, pipeline_tag=pipeline_tag, filters=filters)
    query = start_url.split("?", 1)[1]
    landing = HubModelLanding(con, client.endpoint, query)
    try:
        for page in client.iter_model_pages(start_url):
            landing.add_page(page.records, page.next_url)
            s = landing.stats
            elapsed = time.perf_counter() - began
            progress(f"hub models: page {s.pages}, {s.records} records "
                     f"({s.records / elapsed if elapsed else 0:.0f}/s), {s.quarantined} quarantined")
    except Exception as exc:
        landing.fail(redact(str(exc), client._token))
        raise
    stats = landing.commit()
    return HubLoadResult(stats.crawl_id, stats.records, stats.new, stats.changed, stats.unchanged,
                         stats.quarantined, stats.pages, time.perf_counter() - began,
                         dict(stats.quarantine_reasons))


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
    progress(f"leaderboard {repo_id}@{revision[:12]}: downloading {filename}")
    path = client.download_dataset_file(repo_id, filename, revision, cache_dir)
    rows = read_hub_parquet(path, revision=revision, commit_date=commit_date,
                            source_name=f"{repo_id}@{revision}")
    snap = rows["snapshot_date"].iloc[0]
    n = replace_leaderboard_source(con, "leaderboard_hub_results", rows)
    progress(f"leaderboard {repo_id}@{revision[:12]}: landed {n} rows (snapshot {snap})")
    return LeaderboardLoadResult(revision, snap, n, skipped=False, files={filename: n})


def load_leaderboard_archive(con: duckdb.DuckDBPyConnection, folder: Path,
                             progress: Progress = _quiet) -> LeaderboardLoadResult:
    """Import every dated CSV export of a folder, one snapshot per file (re-importing replaces a file's rows)."""
    files = archive_files(folder)
    counts: dict[str, int] = {}
    # Read (and so validate) every file before landing any: a bad file changes nothing.
    frames = []
    for k, path in enumerate(files, 1):
        frames.append(read_csv_export(path))
        progress(f"leaderboard archive: read {k}/{len(files)} {path.name} ({len(frames[-1])} rows)")
    if not frames:
        return LeaderboardLoadResult(None, None, 0, skipped=True)
    for path, frame in zip(files, frames, strict=True):
        counts[path.name] = len(frame)
    # One transaction for the whole folder.
    replace_leaderboard_source(con, "leaderboard_archive_results", pd.concat(frames, ignore_index=True))
    return LeaderboardLoadResult(None, None, sum(counts.values()), skipped=False, files=counts)
