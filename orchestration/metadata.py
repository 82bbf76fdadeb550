"""What an asset page shows about a warehouse table: row count, column schema, a small preview."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import dagster as dg
import duckdb

PREVIEW_ROWS = 10
PREVIEW_TEXT_LIMIT = 120


def split_table_name(table_name: str) -> tuple[str, str]:
    """``catalog.schema.table`` or ``schema.table`` (dagster/table_name) -> (schema, table)."""
    parts = table_name.split(".")
    if len(parts) < 2:
        raise ValueError(f"table name {table_name!r} names no schema")
    return parts[-2], parts[-1]


def column_schema(con: duckdb.DuckDBPyConnection, schema: str, table: str,
                  descriptions: dict[str, str] | None = None) -> dg.TableSchema | None:
    """The table's columns with their DuckDB types, and their dbt descriptions where given."""
    rows = con.execute(
        "select column_name, data_type, is_nullable from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position", [schema, table]).fetchall()
    if not rows:
        return None
    descriptions = descriptions or {}
    return dg.TableSchema(columns=[
        dg.TableColumn(name=name, type=data_type, description=descriptions.get(name) or None,
                       constraints=dg.TableColumnConstraints(nullable=nullable == "YES"))
        for name, data_type, nullable in rows])


def _cell(value):
    """A preview cell as a plain value the UI can show (text from the data stays text)."""
    if value is None or isinstance(value, bool | int | str):
        return value if not isinstance(value, str) or len(value) <= PREVIEW_TEXT_LIMIT else (
            value[: PREVIEW_TEXT_LIMIT - 1] + "\u2026")
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return _cell(str(value))


def table_metadata(con: duckdb.DuckDBPyConnection, table_name: str, *, count_rows: bool = True,
                   preview: bool = False, descriptions: dict[str, str] | None = None) -> dict:
    """Materialization metadata for one table: ``dagster/row_count``, ``dagster/column_schema`` and,
    with ``preview``, its first rows in a stable order. Empty when the table does not exist."""
    schema, table = split_table_name(table_name)
    columns = column_schema(con, schema, table, descriptions)
    if columns is None:
        return {}
    metadata: dict = {"dagster/column_schema": columns}
    relation = f'"{schema}"."{table}"'
    if count_rows:
        metadata["dagster/row_count"] = int(con.execute(f"select count(*) from {relation}").fetchone()[0])
    if preview:
        cursor = con.execute(f"select * from {relation} order by all limit {PREVIEW_ROWS}")
        names = [d[0] for d in cursor.description]
        records = [dg.TableRecord(dict(zip(names, (_cell(v) for v in row)))) for row in cursor.fetchall()]
        metadata["preview"] = dg.MetadataValue.table(
            records=records,
            schema=dg.TableSchema(columns=[dg.TableColumn(name=c.name, type=c.type) for c in columns.columns]))
    return metadata
