"""Landing leaderboard rows in ``raw.leaderboard_*_results``: one source (file or revision) at a time,
replaced exactly, in one transaction."""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pandas as pd

from ingestion.leaderboard.readers import LANDING_COLUMNS
from ingestion.warehouse import RAW_SCHEMA, transaction
from ingestion.warehouse.schema import LEADERBOARD_TABLES


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
    frame["loaded_at"] = datetime.now(timezone.utc)
    sources = sorted(frame["source_name"].unique().tolist())
    with transaction(con):
        con.register("_rows", frame)
        con.execute(f"delete from {RAW_SCHEMA}.{table} where source_name in (select unnest(?))", [sources])
        if snapshot_date is not None:
            con.execute(f"delete from {RAW_SCHEMA}.{table} where snapshot_date = ?", [snapshot_date])
        con.execute(f"insert into {RAW_SCHEMA}.{table} select * from _rows")
        con.unregister("_rows")
    return len(frame)


def loaded_revisions(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(f"select distinct source_revision from {RAW_SCHEMA}.leaderboard_hub_results "
                       "where source_revision is not null").fetchall()
    return {r[0] for r in rows}
