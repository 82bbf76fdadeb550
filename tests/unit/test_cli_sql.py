"""`observatory sql` reads the published marts at once, even while a run writes the warehouse; `--live` reads the
warehouse itself. Either way it can write nothing: not the warehouse file, not any other file."""

from __future__ import annotations

import time

import duckdb

from ingestion import settings
from ingestion.warehouse import connect
from ingestion.warehouse.lock import warehouse_write_lock
from ingestion.warehouse.published import publish
from tests.conftest import run_cli


def small_warehouse(tmp_path, *, published=True):
    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        con.execute("create schema marts; create table marts.mart_x as select 1 as n, 'a' as label")
        if published:
            publish(con, settings.published_dir(path), run_id="run-1", keep=3)
    return path


def test_sql_answers_from_the_published_marts_and_live_from_the_warehouse(tmp_path):
    warehouse = small_warehouse(tmp_path)
    out = run_cli("sql", "select n, label from marts.mart_x", "--warehouse", str(warehouse), timeout=120)
    assert out.returncode == 0, out.stderr
    assert "label" in out.stdout and "a" in out.stdout
    out = run_cli("sql", "select count(*) as crawls from raw.hub_crawls", "--live", "--warehouse", str(warehouse),
                  timeout=120)
    assert out.returncode == 0 and "crawls" in out.stdout, out.stderr


def test_sql_answers_at_once_with_the_previous_version_while_a_run_writes(tmp_path):
    """A run holds the warehouse's write lock and DuckDB's own file lock (nobody else may even read the file):
    the query answers straight away, from the version published before the run."""
    warehouse = small_warehouse(tmp_path)
    with warehouse_write_lock(warehouse, "a long dbt build (test)"), connect(warehouse) as writer:
        writer.execute("create or replace table marts.mart_x as select 2 as n, 'half-built' as label")
        began = time.perf_counter()
        out = run_cli("sql", "select n, label, (select version from published.snapshot) as version from marts.mart_x",
                      "--warehouse", str(warehouse), timeout=60)
        took = time.perf_counter() - began
    assert out.returncode == 0, out.stderr
    assert "half-built" not in out.stdout and " a " in out.stdout.replace("│", " ")
    assert "waiting" not in out.stdout + out.stderr
    assert took < 20, f"answered in {took:.1f} s (Python's start-up; it never waits for the lock)"


def test_sql_before_anything_was_published_says_what_to_do(tmp_path):
    warehouse = small_warehouse(tmp_path, published=False)
    out = run_cli("sql", "select 1", "--warehouse", str(warehouse), timeout=120)
    assert out.returncode != 0
    assert "no published marts" in out.stderr and "--live" in out.stderr


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
        out = run_cli("sql", statement, "--live", "--warehouse", str(warehouse), timeout=120)
        assert out.returncode != 0, statement
        assert "error:" in out.stderr, statement
    # the published catalog is opened the same way (tests/unit/test_published.py tries every statement)
    out = run_cli("sql", f"copy marts.mart_x to '{tmp_path / 'out.csv'}'", "--warehouse", str(warehouse), timeout=120)
    assert out.returncode != 0 and "only reads" in out.stderr
    assert warehouse.read_bytes() == before
    assert not (tmp_path / "exported").exists() and not (tmp_path / "out.csv").exists()
    assert not (tmp_path / "other.duckdb").exists()
    out = run_cli("sql", f"copy (select 1) to '{tmp_path / 'x.csv'}'", "--warehouse", str(warehouse), timeout=120)
    assert "only reads" in out.stderr, "the error says how to export instead"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.mart_x").fetchone() == (1,)
