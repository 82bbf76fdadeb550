"""The ``quality`` schema, owned here: the verdict history (``check_results``) and the quarantine.

Every check, Great Expectations suite or dbt test, appends one row per rule to
``quality.check_results``; rows that failed a QUARANTINE rule go to ``quality.quarantine``,
which the intermediate models read to leave those rows out.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import duckdb

from orchestration.quality.suites import RuleResult

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
alter table {QUALITY_SCHEMA}.check_results add column if not exists batch varchar;
"""


def ensure_quality_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing of the quality schema (before any check or dbt model reads it)."""
    con.execute(_QUALITY_DDL)


_HISTORY_INSERT = """
    insert into quality.check_results by name
    select ? as checked_at, ? as run_id, ? as asset, ? as check_name, ? as rule, ? as severity, ? as passed,
           ? as failing_rows, ? as expected, ? as examples, ? as batch
"""


def record_results(con: duckdb.DuckDBPyConnection, asset: str, check_name: str, results: list[RuleResult],
                   run_id: str | None, batch: str | None = None) -> None:
    """Append one row per rule to quality.check_results ."""
    now = datetime.now(timezone.utc)
    _append_history(con, [(now, run_id, asset, check_name, r.rule, r.severity, r.passed, r.failing_rows, r.expected,
                           json.dumps(r.examples, default=str), batch) for r in results])


def record_dbt_results(con: duckdb.DuckDBPyConnection, verdicts: list[dict], run_id: str | None) -> None:
    """Append the verdicts of dbt's data tests (see orchestration.dbt.verdicts) to quality.check_results."""
    now = datetime.now(timezone.utc)
    _append_history(con, [
        (now, run_id, v["asset"], v["check_name"], v["rule"], v["severity"], v["passed"], v["failing_rows"],
         v["expected"], json.dumps(v.get("examples") or ([v["message"]] if v["message"] and not v["passed"] else []),
                                   default=str), v["batch"])
        for v in verdicts])


def _append_history(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    if rows:  # a check with nothing to compare (a first snapshot) has no verdict to keep
        con.executemany(_HISTORY_INSERT, rows)


def quarantine_rows(con: duckdb.DuckDBPyConnection, asset: str, check_name: str, results: list[RuleResult],
                    run_id: str | None, value_columns: dict[str, str]) -> int:
    """Write every row that failed a QUARANTINE rule to quality.quarantine. Returns the number of rows.

    ``value_columns`` maps a rule to the frame column it tested, to keep the offending value.
    Call ``clear_quarantine`` first for the batch being checked, so that a re-check replaces it.
    """
    now = datetime.now(timezone.utc)
    rows = []
    for r in results:
        for row in r.quarantined:
            value = row.get(value_columns.get(r.rule, ""), row.get("value"))
            rows.append((now, run_id, asset, check_name, r.rule, f"expected {r.expected}; found {value!r}",
                         row.get("model_id"), row.get("crawl_id"), row.get("source_name"), row.get("row_number"),
                         None if value is None else str(value)))
    if rows:
        con.executemany("insert into quality.quarantine values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len({(r[6], r[7], r[8], r[9]) for r in rows})
