"""Published marts: complete versions, switched atomically, readable while the warehouse is being written."""

from __future__ import annotations

import duckdb
import pytest

from ingestion.warehouse.published import (
    CATALOG,
    CURRENT,
    SNAPSHOT,
    NothingPublished,
    current_catalog,
    open_published,
    publish,
    published_versions,
)


def warehouse_with_marts(path, n):
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists marts")
    con.execute("create or replace table marts.mart_a as select range as i, 'x' || range as label from range(?)", [n])
    con.execute("create or replace table marts.mart_b as select ? as n", [n])
    return con


def test_a_publication_is_a_complete_version_made_current(tmp_path):
    root = tmp_path / "published"
    with warehouse_with_marts(tmp_path / "w.duckdb", 5) as con:
        pub = publish(con, root, run_id="run-1", keep=3, warehouse="w.duckdb")
    assert pub.version == 1 and pub.rows == {"mart_a": 5, "mart_b": 1}
    assert (root / CURRENT).resolve() == pub.path
    assert sorted(p.name for p in pub.path.iterdir()) == sorted(
        [CATALOG, SNAPSHOT, "mart_a.parquet", "mart_b.parquet"])
    with open_published(root) as reader:
        assert reader.execute("select count(*) from marts.mart_a").fetchone() == (5,)
        assert reader.execute("select version, run_id, warehouse, marts from published.snapshot").fetchone() == (
            1, "run-1", "w.duckdb", 2)
        assert reader.execute("select mart, row_count from published.marts order by mart").fetchall() == [
            ("mart_a", 5), ("mart_b", 1)]
    assert duckdb.connect().execute(f"select count(*) from '{pub.path / 'mart_a.parquet'}'").fetchone() == (5,)


def test_a_reader_keeps_its_version_while_a_new_one_is_published(tmp_path):
    root = tmp_path / "published"
    with warehouse_with_marts(tmp_path / "w.duckdb", 5) as con:
        publish(con, root, run_id="run-1", keep=3)
        reader = open_published(root)
        con.execute("create or replace table marts.mart_a as select range as i, 'y' as label from range(7)")
        publish(con, root, run_id="run-2", keep=3)
    with reader:
        assert reader.execute("select count(*), max(label) from marts.mart_a").fetchone() == (5, "x4"), \
            "the open reader still sees the version it opened, whole"
        assert reader.execute("select version from published.snapshot").fetchone() == (1,)
    with open_published(root) as fresh:
        assert fresh.execute("select count(*), max(label) from marts.mart_a").fetchone() == (7, "y")
        assert fresh.execute("select version from published.versions order by version").fetchall() == [(1,), (2,)]


def test_only_the_newest_versions_are_kept(tmp_path):
    root = tmp_path / "published"
    with warehouse_with_marts(tmp_path / "w.duckdb", 3) as con:
        for i in range(4):
            publish(con, root, run_id=f"run-{i}", keep=2)
    assert published_versions(root) == [3, 4]
    with open_published(root) as reader:
        assert reader.execute("select version, run_id from published.versions order by version").fetchall() == [
            (3, "run-2"), (4, "run-3")]


class FailingCopy:
    """A writer's connection whose Parquet copy fails half-way through a publication."""

    def __init__(self, con):
        self.con = con

    def execute(self, sql, *args):
        if sql.startswith("copy") and "mart_b" in sql:
            raise duckdb.IOException("disk full (simulated)")
        return self.con.execute(sql, *args)

    def executemany(self, sql, *args):
        return self.con.executemany(sql, *args)


def test_a_failed_publication_leaves_the_current_version_and_no_debris(tmp_path):
    root = tmp_path / "published"
    with warehouse_with_marts(tmp_path / "w.duckdb", 5) as con:
        publish(con, root, run_id="run-1", keep=3)
        con.execute("create or replace table marts.mart_a as select 1 as i, 'broken' as label")
        with pytest.raises(duckdb.IOException, match="disk full"):
            publish(FailingCopy(con), root, run_id="run-2", keep=3)
        assert published_versions(root) == [1]
        assert sorted(p.name for p in root.iterdir()) == [CURRENT, "v000001"], "no half-written version left"
        with open_published(root) as reader:
            assert reader.execute("select count(*) from marts.mart_a").fetchone() == (5,)
        # the next good publication takes the next number and goes through
        assert publish(con, root, run_id="run-3", keep=3).version == 2


def test_nothing_published_is_a_clear_error(tmp_path):
    with pytest.raises(NothingPublished, match="no published marts in"):
        current_catalog(tmp_path / "published")


def test_a_warehouse_without_marts_publishes_nothing(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con, pytest.raises(ValueError, match="nothing to publish"):
        publish(con, tmp_path / "published", run_id="r", keep=3)
    assert not (tmp_path / "published" / CURRENT).exists()


def test_a_published_reader_can_write_no_file(tmp_path):
    root = tmp_path / "published"
    with warehouse_with_marts(tmp_path / "w.duckdb", 2) as con:
        publish(con, root, run_id="run-1", keep=3)
    target = tmp_path / "out.csv"
    with open_published(root) as reader:
        for statement in (f"copy marts.mart_a to '{target}'", "create table marts.x as select 1",
                          "set enable_external_access = true"):
            with pytest.raises(duckdb.Error):
                reader.execute(statement)
    assert not target.exists()
