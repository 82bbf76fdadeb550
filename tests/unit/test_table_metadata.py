"""Table metadata for the asset pages: row count, schema and a preview, read from the warehouse."""

from __future__ import annotations

import dagster as dg
import duckdb

from orchestration.metadata import table_metadata


def test_table_metadata_gives_row_count_schema_and_preview():
    con = duckdb.connect()
    con.execute("create schema marts; create table marts.m as select * from (values "
                "('hub', 'a/<b>', 3, date '2024-01-02', 0.5), ('hub', 'c/d', 1, null, null)) "
                "t(population, model_id, n, day, share)")
    metadata = table_metadata(con, "warehouse.marts.m", preview=True, descriptions={"n": "How many."})
    assert metadata["dagster/row_count"] == 2
    schema = metadata["dagster/column_schema"]
    assert [(c.name, c.type) for c in schema.columns] == [
        ("population", "VARCHAR"), ("model_id", "VARCHAR"), ("n", "INTEGER"), ("day", "DATE"), ("share", "DECIMAL(2,1)")]
    assert schema.columns[2].description == "How many."
    preview = metadata["preview"]
    assert isinstance(preview, dg.TableMetadataValue)
    rows = [r.data for r in preview.records]
    assert rows[0] == {"population": "hub", "model_id": "a/<b>", "n": 3, "day": "2024-01-02", "share": 0.5}
    assert rows[1]["day"] is None


def test_table_metadata_of_a_missing_table_is_empty_and_views_are_not_counted():
    con = duckdb.connect()
    con.execute("create schema staging; create view staging.v as select 1 as x")
    assert table_metadata(con, "warehouse.staging.absent") == {}
    metadata = table_metadata(con, "warehouse.staging.v", count_rows=False)
    assert "dagster/row_count" not in metadata and "dagster/column_schema" in metadata
