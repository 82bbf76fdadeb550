"""Landing leaderboard rows in ``raw.leaderboard_*_results``: one source (file or revision) at a time,
replaced exactly, in one transaction.

Two ways in: ``replace_leaderboard_source`` replaces at once; ``stage_leaderboard_rows`` leaves a batch
waiting in ``raw.leaderboard_loading`` under its partition key until its checks accept it
(``promote_leaderboard_batch``: the replacement happens then) or reject it
(``reject_leaderboard_batch``: the rows move to ``raw.leaderboard_rejected`` and the raw table keeps
exactly what it had).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import duckdb
import pandas as pd

from ingestion.leaderboard.readers import LANDING_COLUMNS
from ingestion.warehouse import RAW_SCHEMA, transaction
from ingestion.warehouse.schema import LEADERBOARD_TABLES

_COLUMNS = ", ".join([*LANDING_COLUMNS, "loaded_at"])


def replace_leaderboard_source(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame,
                               snapshot_date: str | None = None) -> int:
    """Replace every row of the sources in ``rows`` (by source_name) in one transaction; with
    ``snapshot_date``, every row of that snapshot too (a re-run partition replaces it exactly)."""
    key = f"direct-{uuid.uuid4().hex}"
    with transaction(con):
        n = _stage(con, table, rows, key, snapshot_date)
        promote_leaderboard_batch(con, table, key)
    return n


def stage_leaderboard_rows(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame, partition_key: str,
                           snapshot_date: str | None = None) -> int:
    """Leave ``rows`` waiting for their checks under ``partition_key`` (a batch staged before under the same
    key is replaced). Nothing in the raw table changes until the batch is promoted."""
    with transaction(con):
        return _stage(con, table, rows, partition_key, snapshot_date)


def pending_sources(con: duckdb.DuckDBPyConnection, table: str, partition_key: str) -> list[str]:
    """The sources of the batch waiting under ``partition_key`` (empty when none waits)."""
    return [r[0] for r in con.execute(
        f"select distinct source_name from {RAW_SCHEMA}.leaderboard_loading "
        "where target_table = ? and partition_key = ? order by 1", [table, partition_key]).fetchall()]


def promote_leaderboard_batch(con: duckdb.DuckDBPyConnection, table: str, partition_key: str) -> int:
    """Replace the raw rows of the waiting batch's sources (and of its snapshot, when it names one) with the
    batch, inside the caller's transaction. Returns the rows landed."""
    where = "target_table = ? and partition_key = ?"
    params = [table, partition_key]
    con.execute(f"""delete from {RAW_SCHEMA}.{table} where source_name in (
                        select source_name from {RAW_SCHEMA}.leaderboard_loading where {where})""", params)
    con.execute(f"""delete from {RAW_SCHEMA}.{table} where snapshot_date in (
                        select replace_snapshot from {RAW_SCHEMA}.leaderboard_loading
                        where {where} and replace_snapshot is not null)""", params)
    n = con.execute(f"insert into {RAW_SCHEMA}.{table} select {_COLUMNS} from {RAW_SCHEMA}.leaderboard_loading "
                    f"where {where}", params).fetchone()[0]
    con.execute(f"delete from {RAW_SCHEMA}.leaderboard_loading where {where}", params)
    return n


def reject_leaderboard_batch(con: duckdb.DuckDBPyConnection, table: str, partition_key: str, reason: str) -> int:
    """Move the waiting batch to raw.leaderboard_rejected with the reason, inside the caller's transaction."""
    where = "target_table = ? and partition_key = ?"
    n = con.execute(f"insert into {RAW_SCHEMA}.leaderboard_rejected select *, ?, ? from "
                    f"{RAW_SCHEMA}.leaderboard_loading where {where}",
                    [datetime.now(timezone.utc), reason[:4000], table, partition_key]).fetchone()[0]
    con.execute(f"delete from {RAW_SCHEMA}.leaderboard_loading where {where}", [table, partition_key])
    return n


def _stage(con, table: str, rows: pd.DataFrame, key: str, snapshot_date: str | None) -> int:
    if table not in LEADERBOARD_TABLES:
        raise ValueError(f"unknown leaderboard table {table}")
    missing = [c for c in LANDING_COLUMNS if c not in rows.columns]
    if missing:
        raise ValueError(f"rows lack landing columns: {missing}")
    frame = rows[list(LANDING_COLUMNS)].copy()
    frame["loaded_at"] = datetime.now(timezone.utc)
    con.execute(f"delete from {RAW_SCHEMA}.leaderboard_loading where target_table = ? and partition_key = ?",
                [table, key])
    con.register("_rows", frame)
    con.execute(f"insert into {RAW_SCHEMA}.leaderboard_loading select {_COLUMNS}, ?, ?, ? from _rows",
                [table, key, snapshot_date])
    con.unregister("_rows")
    return len(frame)


def loaded_revisions(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(f"select distinct source_revision from {RAW_SCHEMA}.leaderboard_hub_results "
                       "where source_revision is not null").fetchall()
    return {r[0] for r in rows}
