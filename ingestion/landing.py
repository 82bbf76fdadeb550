"""Landing raw data in the DuckDB warehouse (schema ``raw``), faithfully and atomically.

Pages of a crawl are written to a loading table as they arrive; the crawl
becomes visible in ``raw.hub_models`` only when it is complete, in one
transaction. Records that cannot be landed go to ``raw.hub_models_quarantine``
with the reason. Leaderboard tables are replaced per source in one
transaction. Nothing here deletes what an earlier load brought in unless newer
data for the same key replaces it.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from ingestion.leaderboard import LANDING_COLUMNS

RAW_SCHEMA = "raw"
MODEL_ID_PATTERN = re.compile(r"^[^/\s]+/[^/\s]+$")

_DDL = f"""
create schema if not exists {RAW_SCHEMA};
create table if not exists {RAW_SCHEMA}.hub_crawls (
    crawl_id varchar not null,
    endpoint varchar not null,
    query varchar not null,
    scope varchar not null default 'all',       -- what the crawl covers (whole Hub, a filter, ...)
    mode varchar not null default 'full',       -- full (sees the whole scope) or incremental
    watermark timestamptz,                      -- incremental: fetch models modified at or after this
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,                    -- running, complete, failed
    next_url varchar,                           -- checkpoint: where to resume
    pages integer not null default 0,
    records integer not null default 0,
    quarantined integer not null default 0,
    new_models integer,
    changed_models integer,
    removed_models integer,
    error varchar
);
create table if not exists {RAW_SCHEMA}.hub_model_removals (
    model_id varchar not null,
    removal varchar not null,                   -- deleted or renamed
    renamed_to varchar,
    detected_at timestamptz not null,
    crawl_id varchar not null
);
create table if not exists {RAW_SCHEMA}.hub_models (
    model_id varchar not null,
    payload json not null,              -- the record exactly as the Hub served it
    crawl_id varchar not null,
    fetched_at timestamptz not null
);
create table if not exists {RAW_SCHEMA}.hub_models_loading (
    crawl_id varchar not null,
    page_no integer not null,
    position integer not null,
    model_id varchar not null,
    payload json not null,
    fetched_at timestamptz not null
);
create table if not exists {RAW_SCHEMA}.hub_models_quarantine (
    crawl_id varchar not null,
    page_no integer,
    position integer,
    raw_record varchar,
    reason varchar not null,
    quarantined_at timestamptz not null
);
"""


# Verdicts of the data-quality checks (written by orchestration/expectations.py). They live here
# so that the tables exist before any check or dbt model reads them.
QUALITY_SCHEMA = "quality"
_QUALITY_DDL = f"""
create schema if not exists {QUALITY_SCHEMA};
create table if not exists {QUALITY_SCHEMA}.check_results (
    checked_at timestamptz not null,
    run_id varchar,
    asset varchar not null,
    check_name varchar not null,
    rule varchar not null,
    severity varchar not null,          -- ERROR blocks downstream, WARN is recorded, QUARANTINE diverts rows
    passed boolean not null,
    failing_rows bigint not null,
    expected varchar,
    examples json,
    batch varchar                       -- what was checked: a crawl id, snapshot files, a dbt invocation
);
create table if not exists {QUALITY_SCHEMA}.quarantine (
    quarantined_at timestamptz not null,
    run_id varchar,
    asset varchar not null,             -- raw/hub_models, raw/leaderboard_archive_results, ...
    check_name varchar not null,
    rule varchar not null,
    reason varchar not null,            -- what was expected and what was found
    model_id varchar,
    crawl_id varchar,                   -- Hub rows: the crawl that landed the record
    source_name varchar,                -- leaderboard rows: the snapshot file or dataset revision
    row_number integer,
    value varchar                       -- the offending value, as text
);
"""


def _leaderboard_ddl(table: str) -> str:
    cols = ",\n    ".join(
        f"{c} {'integer' if c == 'row_number' else 'json' if c == 'original_record' else 'varchar'}"
        for c in LANDING_COLUMNS)
    return f"create table if not exists {RAW_SCHEMA}.{table} (\n    {cols},\n    loaded_at timestamptz not null\n);"


LEADERBOARD_TABLES = ("leaderboard_hub_results", "leaderboard_archive_results")


def connect(path: str | Path, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse and make sure the raw schema exists."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    if memory_limit:
        con.execute(f"set memory_limit = '{memory_limit}'")
    ensure_schema(con)
    return con


# Columns added after a table was first created: applied to existing warehouses on connect.
_MIGRATIONS = [
    ("hub_crawls", "scope", "varchar default 'all'"),
    ("hub_crawls", "mode", "varchar default 'full'"),
    ("hub_crawls", "watermark", "timestamptz"),
    ("hub_crawls", "new_models", "integer"),
    ("hub_crawls", "changed_models", "integer"),
    ("hub_crawls", "removed_models", "integer"),
    ("hub_crawls", "error", "varchar"),
    ("hub_crawls", "verified_at", "timestamptz"),  # when the blocking quality checks passed on it
    ("hub_crawls", "duplicate_records", "integer"),  # records served again under an id already seen
]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_DDL)
    for table, column, column_type in _MIGRATIONS:
        con.execute(f"alter table {RAW_SCHEMA}.{table} add column if not exists {column} {column_type}")
    for table in LEADERBOARD_TABLES:
        con.execute(_leaderboard_ddl(table))
    con.execute(_QUALITY_DDL)
    con.execute(f"alter table {QUALITY_SCHEMA}.check_results add column if not exists batch varchar")


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class CrawlStats:
    crawl_id: str
    pages: int = 0
    records: int = 0
    quarantined: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)


class HubModelLanding:
    """Lands the pages of one crawl; call ``add_page`` per page, then ``commit``.

    Pages go to ``raw.hub_models_loading`` with the next-page URL as a checkpoint, so a
    crawl killed half-way can be resumed (``HubModelLanding.resume``). ``commit`` makes
    the crawl visible in one transaction. A full crawl also records the models of its
    scope that it no longer saw as removed (deleted, or renamed when the same Hub
    ``_id`` now carries another id); history is never dropped.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, endpoint: str, query: str, *, scope: str = "all",
                 mode: str = "full", watermark: datetime | None = None, crawl_id: str | None = None,
                 _resumed: dict | None = None):
        if mode not in ("full", "incremental"):
            raise ValueError(f"mode must be full or incremental, not {mode!r}")
        self.con = con
        self.scope = scope
        self.mode = mode
        self.watermark = watermark
        if _resumed is not None:
            self.crawl_id = _resumed["crawl_id"]
            self.stats = CrawlStats(self.crawl_id, pages=_resumed["pages"], records=_resumed["records"],
                                    quarantined=_resumed["quarantined"])
            self.resumed_from: str | None = _resumed["next_url"]
            con.execute(f"update {RAW_SCHEMA}.hub_crawls set status = 'running', error = null where crawl_id = ?",
                        [self.crawl_id])
            return
        self.resumed_from = None
        self.crawl_id = crawl_id or f"crawl-{_now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        self.stats = CrawlStats(self.crawl_id)
        con.execute(
            f"insert into {RAW_SCHEMA}.hub_crawls (crawl_id, endpoint, query, scope, mode, watermark, started_at, "
            "status) values (?, ?, ?, ?, ?, ?, ?, 'running')",
            [self.crawl_id, endpoint, query, scope, mode, watermark, _now()])

    @classmethod
    def resume(cls, con: duckdb.DuckDBPyConnection, endpoint: str, query: str, *, scope: str, mode: str,
               max_age_hours: float = 24.0) -> HubModelLanding | None:
        """The unfinished crawl of the same endpoint, query and mode, if one left a checkpoint."""
        row = con.execute(
            f"""select crawl_id, next_url, pages, records, quarantined, watermark from {RAW_SCHEMA}.hub_crawls
                where endpoint = ? and query = ? and scope = ? and mode = ? and status in ('running', 'failed')
                  and next_url is not null and pages > 0
                  and started_at >= now() - to_microseconds(cast(? * 3600e6 as bigint))
                order by started_at desc limit 1""",
            [endpoint, query, scope, mode, max_age_hours]).fetchone()
        if row is None:
            return None
        keys = ("crawl_id", "next_url", "pages", "records", "quarantined", "watermark")
        resumed = dict(zip(keys, row, strict=True))
        return cls(con, endpoint, query, scope=scope, mode=mode, watermark=resumed["watermark"], _resumed=resumed)

    def add_page(self, records: Iterable, next_url: str | None) -> None:
        page_no = self.stats.pages + 1
        fetched_at = _now()
        ids, payloads, positions, bad = [], [], [], []
        for position, record in enumerate(records):
            reason = _invalid_reason(record)
            if reason:
                bad.append((self.crawl_id, page_no, position, _dump(record), reason, fetched_at))
                self.stats.quarantine_reasons[reason] = self.stats.quarantine_reasons.get(reason, 0) + 1
                continue
            ids.append(record["id"])
            payloads.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            positions.append(position)
        table = pa.table({
            "crawl_id": pa.array([self.crawl_id] * len(ids), pa.string()),
            "page_no": pa.array([page_no] * len(ids), pa.int32()),
            "position": pa.array(positions, pa.int32()),
            "model_id": pa.array(ids, pa.string()),
            "payload": pa.array(payloads, pa.string()),
            "fetched_at": pa.array([fetched_at] * len(ids), pa.timestamp("us", tz="UTC")),
        })
        self.con.execute("begin transaction")
        try:
            self.con.register("_page", table)
            self.con.execute(f"insert into {RAW_SCHEMA}.hub_models_loading select * from _page")
            self.con.unregister("_page")
            if bad:
                self.con.executemany(f"insert into {RAW_SCHEMA}.hub_models_quarantine values (?, ?, ?, ?, ?, ?)", bad)
            self.con.execute(
                f"update {RAW_SCHEMA}.hub_crawls set pages = pages + 1, records = records + ?, "
                "quarantined = quarantined + ?, next_url = ? where crawl_id = ?",
                [len(ids), len(bad), next_url, self.crawl_id])
            self.con.execute("commit")
        except Exception:
            self.con.execute("rollback")
            raise
        self.stats.pages = page_no
        self.stats.records += len(ids)
        self.stats.quarantined += len(bad)

    def commit(self) -> CrawlStats:
        """Make the crawl visible: upsert its latest record per model into raw.hub_models, atomically."""
        con = self.con
        con.execute("begin transaction")
        try:
            con.execute(f"""
                create or replace temp table _crawl as
                select model_id, payload, fetched_at from (
                    select *, row_number() over (partition by model_id order by page_no desc, position desc) as rn
                    from {RAW_SCHEMA}.hub_models_loading where crawl_id = ?
                ) where rn = 1""", [self.crawl_id])
            duplicates = con.execute(f"select count(*) - count(distinct model_id) from {RAW_SCHEMA}.hub_models_loading "
                                     "where crawl_id = ?", [self.crawl_id]).fetchone()[0]
            new, changed, unchanged = con.execute(f"""
                select count(*) filter (where h.model_id is null),
                       count(*) filter (where h.model_id is not null and h.payload::varchar <> c.payload::varchar),
                       count(*) filter (where h.model_id is not null and h.payload::varchar = c.payload::varchar)
                from _crawl c left join {RAW_SCHEMA}.hub_models h using (model_id)""").fetchone()
            removed = self._record_removals() if self.mode == "full" else 0
            # a model seen again is no longer removed
            con.execute(f"delete from {RAW_SCHEMA}.hub_model_removals where model_id in (select model_id from _crawl)")
            con.execute(f"delete from {RAW_SCHEMA}.hub_models where model_id in (select model_id from _crawl)")
            con.execute(f"insert into {RAW_SCHEMA}.hub_models select model_id, payload, ?, fetched_at from _crawl",
                        [self.crawl_id])
            con.execute(f"delete from {RAW_SCHEMA}.hub_models_loading where crawl_id = ?", [self.crawl_id])
            con.execute(f"update {RAW_SCHEMA}.hub_crawls set status = 'complete', finished_at = ?, next_url = null, "
                        "new_models = ?, changed_models = ?, removed_models = ?, duplicate_records = ?, error = null "
                        "where crawl_id = ?", [_now(), new, changed, removed, duplicates, self.crawl_id])
            con.execute("drop table _crawl")
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        self.stats.new, self.stats.changed, self.stats.unchanged = new, changed, unchanged
        self.stats.removed = removed
        return self.stats

    def _record_removals(self) -> int:
        """Models of this scope, present before, that a complete full crawl did not see."""
        con = self.con
        con.execute(f"""
            create or replace temp table _gone as
            select h.model_id, h.payload ->> '$._id' as hub_oid
            from {RAW_SCHEMA}.hub_models h
            join {RAW_SCHEMA}.hub_crawls c on c.crawl_id = h.crawl_id
            where c.scope = ? and c.endpoint = (select endpoint from {RAW_SCHEMA}.hub_crawls where crawl_id = ?)
              and h.model_id not in (select model_id from _crawl)
              and h.model_id not in (select model_id from {RAW_SCHEMA}.hub_model_removals)""",
                    [self.scope, self.crawl_id])
        n = con.execute(f"""
            insert into {RAW_SCHEMA}.hub_model_removals
            select g.model_id,
                   case when n.model_id is not null then 'renamed' else 'deleted' end,
                   n.model_id, ?, ?
            from _gone g
            left join (select model_id, payload ->> '$._id' as hub_oid from _crawl) n
              on n.hub_oid = g.hub_oid and g.hub_oid is not null and n.model_id <> g.model_id""",
                        [_now(), self.crawl_id]).fetchone()[0]
        con.execute("drop table _gone")
        return n

    def fail(self, reason: str) -> None:
        self.con.execute(f"update {RAW_SCHEMA}.hub_crawls set status = 'failed', finished_at = ?, error = ? "
                         "where crawl_id = ?", [_now(), reason[:2000], self.crawl_id])


def abandon_unfinished_crawls(con: duckdb.DuckDBPyConnection, endpoint: str, scope: str) -> int:
    """Unfinished crawls of a scope that will not be resumed: mark them and free their loading rows."""
    ids = [r[0] for r in con.execute(
        f"select crawl_id from {RAW_SCHEMA}.hub_crawls where endpoint = ? and scope = ? "
        "and status in ('running', 'failed')", [endpoint, scope]).fetchall()]
    if ids:
        con.execute("begin transaction")
        con.execute(f"delete from {RAW_SCHEMA}.hub_models_loading where crawl_id in (select unnest(?))", [ids])
        con.execute(f"update {RAW_SCHEMA}.hub_crawls set status = 'abandoned', next_url = null "
                    "where crawl_id in (select unnest(?))", [ids])
        con.execute("commit")
    return len(ids)


def last_complete_crawl_start(con: duckdb.DuckDBPyConnection, endpoint: str, scope: str) -> datetime | None:
    """When the latest complete crawl of this scope started: the base of the next watermark."""
    row = con.execute(f"select max(started_at) from {RAW_SCHEMA}.hub_crawls "
                      "where endpoint = ? and scope = ? and status = 'complete'", [endpoint, scope]).fetchone()
    return row[0] if row else None


def _invalid_reason(record) -> str | None:
    if not isinstance(record, dict):
        return f"not a JSON object ({type(record).__name__})"
    model_id = record.get("id")
    if not isinstance(model_id, str) or not model_id:
        return "missing id"
    if not MODEL_ID_PATTERN.match(model_id):
        return f"id {model_id!r} is not namespace/name"
    return None


def _dump(record) -> str:
    try:
        return json.dumps(record, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(record)


def replace_leaderboard_source(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame,
                               snapshot_date: str | None = None) -> int:
    """Replace every row of the sources in ``rows`` (by source_name) in one transaction; with
    ``snapshot_date``, every row of that snapshot too (a re-run partition replaces it exactly)."""
    if table not in LEADERBOARD_TABLES:
        raise ValueError(f"unknown leaderboard table {table}")
    missing = [c for c in LANDING_COLUMNS if c not in rows.columns]
    if missing:
        raise ValueError(f"rows lack landing columns: {missing}")
    frame = rows[list(LANDING_COLUMNS)].copy()
    frame["loaded_at"] = _now()
    sources = sorted(frame["source_name"].unique().tolist())
    con.execute("begin transaction")
    try:
        con.register("_rows", frame)
        con.execute(f"delete from {RAW_SCHEMA}.{table} where source_name in (select unnest(?))", [sources])
        if snapshot_date is not None:
            con.execute(f"delete from {RAW_SCHEMA}.{table} where snapshot_date = ?", [snapshot_date])
        con.execute(f"insert into {RAW_SCHEMA}.{table} select * from _rows")
        con.unregister("_rows")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(frame)


def loaded_revisions(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(f"select distinct source_revision from {RAW_SCHEMA}.leaderboard_hub_results "
                       "where source_revision is not null").fetchall()
    return {r[0] for r in rows}
