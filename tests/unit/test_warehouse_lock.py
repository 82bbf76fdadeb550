"""The warehouse write lock: a second writer waits (and says who it waits for) instead of failing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from ingestion.warehouse.lock import WarehouseLockTimeout, lock_path, warehouse_write_lock
from tests.conftest import ROOT

HOLDER = textwrap.dedent("""
    import sys, time, duckdb
    from ingestion.warehouse.lock import warehouse_write_lock
    with warehouse_write_lock(sys.argv[1], "the other writer"):
        con = duckdb.connect(sys.argv[1])
        con.execute("create table if not exists t (writer varchar, written double)")
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
        con.execute("insert into t values ('other', ?)", [time.time()])
        con.close()
""")


def hold_in_another_process(warehouse, seconds):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(warehouse), str(seconds)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_writer_waits_for_the_first_and_says_so(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    other = hold_in_another_process(warehouse, 2.0)
    said = []
    with warehouse_write_lock(warehouse, "me", on_wait=said.append) as waited:
        con = duckdb.connect(str(warehouse))  # no "Could not set lock on file": the other writer is done
        con.execute("insert into t values ('me', ?)", [time.time()])
        order = [w for (w,) in con.execute("select writer from t order by written").fetchall()]
        con.close()
    assert other.wait(timeout=30) == 0
    assert waited > 1.0
    assert order == ["other", "me"], "writes happen one after the other"
    assert said and "held by the other writer" in said[0]


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with warehouse_write_lock(warehouse, "outer"):
        with warehouse_write_lock(warehouse, "inner", timeout_s=1) as waited:
            assert waited == 0.0
    # and released afterwards: another process gets it at once
    other = hold_in_another_process(warehouse, 0.1)
    assert other.wait(timeout=30) == 0


def test_a_writer_gives_up_after_its_timeout_naming_the_holder(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    other = hold_in_another_process(warehouse, 5.0)
    with pytest.raises(WarehouseLockTimeout, match="the other writer"):
        with warehouse_write_lock(warehouse, "me", timeout_s=0.5, poll_s=0.1):
            pass
    other.wait(timeout=30)
    assert lock_path(warehouse).name == "w.duckdb.lock"


def test_a_waiting_writer_keeps_saying_who_it_waits_for(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    other = hold_in_another_process(warehouse, 2.5)
    said = []
    with warehouse_write_lock(warehouse, "me", on_wait=said.append, announce_s=0.5):
        pass
    assert other.wait(timeout=30) == 0
    assert len(said) >= 3, said
    assert all("held by the other writer" in line for line in said)
    assert "waited" in said[-1]
