"""Fetching the evaluation sources that do not ride along with the model crawl, through ``huggingface_hub``:
the registered benchmarks (their ``eval.yaml`` and leaderboard) and MTEB's results dataset at a revision."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion.evals.benchmarks import parse_eval_yaml
from ingestion.evals.mteb import MODEL_COLUMNS, RESULT_COLUMNS, read_results
from ingestion.warehouse import RAW_SCHEMA, transaction

MTEB_REPO_ID = "mteb/results"
FILE_DATES = "_file_added_commits.tsv"  # optional: when each file was added (path, added_in_commit, added_commit_date)


@dataclass
class BenchmarksResult:
    registered: int = 0
    fetched: int = 0            # specs read anew (a new revision)
    unchanged: int = 0
    invalid: list[str] = field(default_factory=list)       # benchmarks whose spec departs from the format
    failures: dict[str, str] = field(default_factory=dict)  # benchmark -> why it could not be read
    leaderboard_rows: int = 0


def load_benchmarks(con: duckdb.DuckDBPyConnection, client, cache_dir: Path, *,
                    progress: Callable[[str], None] = print) -> BenchmarksResult:
    """Land every registered benchmark's spec (read again only when the dataset has a new revision) and
    leaderboard (all models, ``base_model_only=False``). A benchmark that cannot be read is reported, not fatal."""
    out = BenchmarksResult()
    listed = list(client.api.list_datasets(benchmark="official"))
    out.registered = len(listed)
    known = dict(con.execute(f"select benchmark, revision from {RAW_SCHEMA}.hub_benchmarks").fetchall())
    now = datetime.now(timezone.utc)
    for info in listed:
        repo_id = info.id
        try:
            revision = info.sha or client.dataset_revision(repo_id)[0]
            if known.get(repo_id) == revision:
                out.unchanged += 1
            else:
                path = client.download_dataset_file(repo_id, "eval.yaml", revision, cache_dir)
                spec = parse_eval_yaml(path.read_text(encoding="utf-8", errors="replace"))
                with transaction(con):
                    con.execute(f"delete from {RAW_SCHEMA}.hub_benchmarks where benchmark = ?", [repo_id])
                    con.execute(f"insert into {RAW_SCHEMA}.hub_benchmarks values (?, ?, ?, ?, ?, ?, ?)",
                                [repo_id, revision, spec.name, spec.evaluation_framework, spec.tasks_json(),
                                 json.dumps(spec.problems), now])
                out.fetched += 1
                if spec.problems:
                    out.invalid.append(repo_id)
                    progress(f"benchmark {repo_id}: its eval.yaml departs from the format: {'; '.join(spec.problems)}")
            board = client.api.get_dataset_leaderboard(repo_id, base_model_only=False)
        except Exception as exc:  # noqa: BLE001 - one benchmark's failure is reported, the others go on
            out.failures[repo_id] = client.redact(f"{type(exc).__name__}: {exc}")[:500]
            progress(f"benchmark {repo_id}: not read ({out.failures[repo_id]})")
            continue
        rows = [(repo_id, e.rank, e.model_id, _number(e.value), e.verified, e.filename, e.pull_request, now)
                for e in board]
        with transaction(con):
            con.execute(f"delete from {RAW_SCHEMA}.hub_benchmark_leaderboards where benchmark = ?", [repo_id])
            if rows:
                con.executemany(f"insert into {RAW_SCHEMA}.hub_benchmark_leaderboards values (?, ?, ?, ?, ?, ?, ?, ?)",
                                rows)
        out.leaderboard_rows += len(rows)
    progress(f"benchmarks: {out.registered} registered, {out.fetched} specs read anew, {out.unchanged} unchanged, "
             f"{len(out.invalid)} departing from the format, {len(out.failures)} not read, "
             f"{out.leaderboard_rows} leaderboard rows")
    return out


@dataclass
class MtebResult:
    revision: str
    models: int
    results: int
    quarantined: int
    per_task: dict[str, int]


def load_mteb_revision(con: duckdb.DuckDBPyConnection, client, cache_dir: Path, revision: str, *,
                       tasks: list[str] | None = None, progress: Callable[[str], None] = print) -> MtebResult:
    """Download MTEB's results at ``revision`` (every model's model_meta.json and, with ``tasks``, only those
    tasks' files) and replace that revision's rows, in one transaction. Files that cannot be read go to
    raw.mteb_results_quarantine with the reason."""
    from huggingface_hub import snapshot_download

    patterns = ["results/*/*/model_meta.json", "results/*/*/experiments/*/model_meta.json", FILE_DATES]
    patterns += ([f"results/*/*/{t}.json" for t in tasks] + [f"results/*/*/experiments/*/{t}.json" for t in tasks]
                 if tasks else ["results/**/*.json"])
    progress(f"mteb: downloading {MTEB_REPO_ID}@{revision[:12]} ({'tasks ' + ', '.join(tasks) if tasks else 'every task'})")
    root = Path(snapshot_download(MTEB_REPO_ID, repo_type="dataset", revision=revision, allow_patterns=patterns,
                                  cache_dir=str(cache_dir), endpoint=client.endpoint, token=client.api.token,
                                  tqdm_class=_no_bar()))
    read = read_results(root)
    added = _file_dates(root / FILE_DATES)
    now = datetime.now(timezone.utc)
    models = _table(MODEL_COLUMNS, read.models, added, revision, now)
    results = _table(RESULT_COLUMNS, read.results, added, revision, now)
    with transaction(con):
        for table in ("mteb_models", "mteb_results", "mteb_results_quarantine"):
            con.execute(f"delete from {RAW_SCHEMA}.{table} where source_revision = ?", [revision])
        for table, rows in (("mteb_models", models), ("mteb_results", results)):
            con.register("_rows", rows)
            con.execute(f"insert into {RAW_SCHEMA}.{table} by name select * from _rows")
            con.unregister("_rows")
        if read.problems:
            con.executemany(f"insert into {RAW_SCHEMA}.mteb_results_quarantine values (?, ?, ?, ?)",
                            [(revision, path, reason, now) for path, reason in read.problems])
    per_task: dict[str, int] = {}
    for row in read.results:
        per_task[row[4]] = per_task.get(row[4], 0) + 1
    progress(f"mteb: {len(read.models)} model descriptions, {len(read.results)} scores on {len(per_task)} tasks, "
             f"{len(read.problems)} files quarantined")
    return MtebResult(revision, len(read.models), len(read.results), len(read.problems), per_task)


def _no_bar():
    """A tqdm class that draws nothing (a file count is reported when the download ends)."""
    from tqdm.auto import tqdm

    class NoBar(tqdm):
        def __init__(self, *args, **kwargs):
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)

    return NoBar


def _table(columns: tuple[str, ...], rows: list[tuple], added: dict[str, datetime], revision: str,
           now: datetime) -> pa.Table:
    dicts = []
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        record.update(source_revision=revision, file_added_at=added.get(record["path"]), loaded_at=now)
        dicts.append(record)
    names = ("source_revision",) + columns + ("file_added_at", "loaded_at")
    types = {"n_parameters": pa.int64(), "open_weights": pa.bool_(), "main_score": pa.float64(),
             "evaluation_time": pa.float64(), "file_added_at": pa.timestamp("us", tz="UTC"),
             "loaded_at": pa.timestamp("us", tz="UTC")}
    schema = pa.schema([(n, types.get(n, pa.string())) for n in names])
    return pa.Table.from_pylist(dicts, schema=schema)


def _file_dates(path: Path) -> dict[str, datetime]:
    if not path.is_file():
        return {}
    out = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            try:
                out[row["path"]] = datetime.fromisoformat(row["added_commit_date"]).astimezone(timezone.utc)
            except (KeyError, TypeError, ValueError):
                continue
    return out


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
