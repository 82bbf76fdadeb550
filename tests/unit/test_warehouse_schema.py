"""The raw schema is brought up to its definitions once per change of them, not on every connect."""

from __future__ import annotations

import duckdb

from ingestion.warehouse import connect, schema


def test_a_warehouse_up_to_date_is_not_brought_up_again_and_a_changed_definition_is_applied(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        recorded = con.execute(f"select fingerprint from {schema.SCHEMA_APPLIED}").fetchall()
    assert recorded == [(schema._definitions_fingerprint(),)]

    def must_not_run(con):
        raise AssertionError("the definitions were applied again to an up-to-date warehouse")

    with monkeypatch.context() as patch:
        patch.setattr(schema, "_apply_definitions", must_not_run)
        with connect(path) as con:
            assert con.execute("select count(*) from raw.hub_crawls").fetchone() == (0,)

    # a new migration changes the fingerprint: the next connect applies it and records the new fingerprint
    monkeypatch.setattr(schema, "_MIGRATIONS", [*schema._MIGRATIONS, ("hub_crawls", "added_later", "integer")])
    schema._definitions_fingerprint.cache_clear()
    try:
        with connect(path) as con:
            columns = {c for (c, *_) in con.execute("describe raw.hub_crawls").fetchall()}
            assert "added_later" in columns
            assert con.execute(f"select fingerprint from {schema.SCHEMA_APPLIED}").fetchall() == [
                (schema._definitions_fingerprint(),)] != recorded
    finally:
        schema._definitions_fingerprint.cache_clear()


def test_a_warehouse_that_records_no_fingerprint_is_brought_up(tmp_path):
    path = tmp_path / "old.duckdb"
    duckdb.connect(str(path)).close()
    with connect(path) as con:
        assert con.execute("select count(*) from raw.hub_models").fetchone() == (0,)
        assert con.execute(f"select count(*) from {schema.SCHEMA_APPLIED}").fetchone() == (1,)

