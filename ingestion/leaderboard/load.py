"""Loading the leaderboard: the Hub dataset at a fixed revision, and the dated archived exports.

Each load reads (and so validates) everything first, then lands it in one transaction: a file
that cannot be read changes nothing. A ``progress`` callback receives a line per file.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.hub.client import HubClient
from ingestion.leaderboard.landing import loaded_revisions, replace_leaderboard_source, stage_leaderboard_rows
from ingestion.leaderboard.readers import (
    LeaderboardSchemaError,
    archive_files,
    read_csv_export,
    read_hub_parquet,
    snapshot_date_from_name,
)
from ingestion.progress import Progress, quiet
from ingestion.settings import LEADERBOARD_FILENAME, LEADERBOARD_REPO_ID
from ingestion.warehouse import RAW_SCHEMA


@dataclasses.dataclass
class LeaderboardLoadResult:
    revision: str | None
    snapshot_date: str | None
    rows: int
    skipped: bool
    files: dict[str, int] = dataclasses.field(default_factory=dict)


def load_leaderboard_from_hub(con: duckdb.DuckDBPyConnection, client: HubClient, cache_dir: Path, *,
                              repo_id: str = LEADERBOARD_REPO_ID, filename: str = LEADERBOARD_FILENAME,
                              progress: Progress = quiet) -> LeaderboardLoadResult:
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
                              filename: str = LEADERBOARD_FILENAME, progress: Progress = quiet,
                              partition_key: str | None = None) -> LeaderboardLoadResult:
    """Land the leaderboard parquet of one dataset revision, replacing whatever that revision landed
    before (exactly: one transaction; a file that cannot be read changes nothing). With ``partition_key``
    the rows wait in raw.leaderboard_loading for their checks, which replace the revision or reject them."""
    progress(f"leaderboard {repo_id}@{revision[:12]}: downloading {filename}")
    path = client.download_dataset_file(repo_id, filename, revision, cache_dir)
    source_name = f"{repo_id}@{revision}"
    try:
        rows = read_hub_parquet(path, revision=revision, commit_date=commit_date, source_name=source_name)
    except LeaderboardSchemaError as exc:
        # a damaged or partial copy in the cache must not block every later run: fetch it once more
        progress(f"leaderboard {repo_id}@{revision[:12]}: {exc}; downloading it again")
        path = client.download_dataset_file(repo_id, filename, revision, cache_dir, force=True)
        rows = read_hub_parquet(path, revision=revision, commit_date=commit_date, source_name=source_name)
    snap = rows["snapshot_date"].iloc[0]
    n = _land(con, "leaderboard_hub_results", rows, partition_key, None)
    progress(f"leaderboard {repo_id}@{revision[:12]}: landed {n} rows (snapshot {snap})"
             + (", waiting for its checks" if partition_key else ""))
    return LeaderboardLoadResult(revision, snap, n, skipped=False, files={filename: n})


def archive_snapshot_dates(folder: Path) -> list[str]:
    """The snapshot dates (YYYY-MM-DD) of a folder's dated exports, oldest first: one partition each."""
    return sorted({snapshot_date_from_name(p).isoformat() for p in archive_files(folder)})


def unchanged_archive_snapshots(con: duckdb.DuckDBPyConnection, folder: Path, dates: list[str]) -> set[str]:
    """The snapshot dates among ``dates`` whose landed rows are exactly what the folder's exports of that date
    hold now (the same files, each with the same records): landing them again would change nothing. A date
    whose files cannot be read is not among them (landing it says why)."""
    landed: dict[str, set] = {}
    for snap, source, n, digest in con.execute(
            f"select snapshot_date::varchar, source_name, count(*), sum(hash(original_record)) "
            f"from {RAW_SCHEMA}.leaderboard_archive_results group by all").fetchall():
        landed.setdefault(snap, set()).add((source, n, digest))
    waiting = {r[0] for r in con.execute(f"select distinct partition_key from {RAW_SCHEMA}.leaderboard_loading "
                                         "where target_table = 'leaderboard_archive_results'").fetchall()}
    by_date: dict[str, list[Path]] = {}
    for path in archive_files(folder):
        by_date.setdefault(snapshot_date_from_name(path).isoformat(), []).append(path)
    unchanged = set()
    for snap in dates:
        if snap not in landed or snap in waiting:
            continue
        try:
            frame = pd.concat([read_csv_export(p) for p in by_date.get(snap, [])], ignore_index=True)
        except (LeaderboardSchemaError, ValueError, OSError):
            continue
        with duckdb.connect() as scratch:
            scratch.register("frame", frame)
            on_disk = set(scratch.execute("select source_name, count(*), sum(hash(original_record)) "
                                          "from frame group by all").fetchall())
        if on_disk == landed[snap]:
            unchanged.add(snap)
    return unchanged


def load_leaderboard_archive(con: duckdb.DuckDBPyConnection, folder: Path, progress: Progress = quiet,
                             snapshot_date: str | None = None, wait_for_checks: bool = False) -> LeaderboardLoadResult:
    """Import the dated CSV exports of a folder, one snapshot per file date (all of them, or those of
    ``snapshot_date``). Every file is read, and so validated, before any is landed: a bad file changes
    nothing. Re-importing replaces the snapshot's rows exactly. With ``wait_for_checks`` (and a
    ``snapshot_date``: the partition) the rows wait in raw.leaderboard_loading for their checks."""
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
    _land(con, "leaderboard_archive_results", pd.concat(frames, ignore_index=True),
          snapshot_date if wait_for_checks else None, snapshot_date)
    return LeaderboardLoadResult(None, snapshot_date, sum(counts.values()), skipped=False, files=counts)


def _land(con, table: str, rows: pd.DataFrame, partition_key: str | None, snapshot_date: str | None) -> int:
    """Replace at once, or (with a partition key) stage for the partition's checks."""
    if partition_key is None:
        return replace_leaderboard_source(con, table, rows, snapshot_date=snapshot_date)
    return stage_leaderboard_rows(con, table, rows, partition_key, snapshot_date=snapshot_date)
