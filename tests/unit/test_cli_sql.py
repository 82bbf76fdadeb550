"""`observatory sql` reads, and can write nothing: not the warehouse file, not any other file."""

from __future__ import annotations

import duckdb

from ingestion.warehouse import connect
from tests.conftest import run_cli


def small_warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        con.execute("create schema marts; create table marts.mart_x as select 1 as n, 'a' as label")
    return path


def test_sql_answers_a_query(tmp_path):
    warehouse = small_warehouse(tmp_path)
    out = run_cli("sql", "select n, label from marts.mart_x", "--warehouse", str(warehouse), timeout=120)
    assert out.returncode == 0, out.stderr
    assert "label" in out.stdout and "a" in out.stdout


def test_sql_cannot_overwrite_the_warehouse_or_write_files(tmp_path):
    warehouse = small_warehouse(tmp_path)
    before = warehouse.read_bytes()
    attempts = [
        f"copy (select 'x') to '{warehouse}' (format csv)",
        f"export database '{tmp_path / 'exported'}'",
        f"copy marts.mart_x to '{tmp_path / 'out.csv'}'",
        f"attach '{tmp_path / 'other.duckdb'}' as other",
        "set enable_external_access = true",
        "create table marts.y as select 1",
    ]
    for statement in attempts:
        out = run_cli("sql", statement, "--warehouse", str(warehouse), timeout=120)
        assert out.returncode != 0, statement
        assert "error:" in out.stderr, statement
    assert warehouse.read_bytes() == before
    assert not (tmp_path / "exported").exists() and not (tmp_path / "out.csv").exists()
    assert not (tmp_path / "other.duckdb").exists()
    out = run_cli("sql", f"copy (select 1) to '{tmp_path / 'x.csv'}'", "--warehouse", str(warehouse), timeout=120)
    assert "only reads" in out.stderr, "the error says how to export instead"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.mart_x").fetchone() == (1,)
