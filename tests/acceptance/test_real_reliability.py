"""Reliability on the real extracts: a rejected batch never reaches a mart, even after later builds."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import mart_fingerprint, run_cli

pytestmark = pytest.mark.acceptance


def test_a_crawl_with_a_future_date_is_rejected_and_later_builds_ignore_it(real, tmp_path):
    """The fault as found: one model with createdAt in 2999 was blocked, but the next valid build (a backfill
    of one real export) ran dbt over it and 8 marts changed. Now the crawl is rejected and stays out."""
    warehouse, shared = real
    copy = tmp_path / "real.duckdb"
    shutil.copy(warehouse, copy)
    before = mart_fingerprint(copy)
    dump = tmp_path / "hub_dump"
    shutil.copytree(shared / "hub_dump", dump)
    lines = (dump / "models.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["createdAt"] = "2999-01-01T00:00:00.000Z"
    lines[0] = json.dumps(record)
    (dump / "models.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    bad = run_cli("demo", "--hub-dump", str(dump), "--warehouse", str(copy))
    assert bad.returncode != 0 and "created_at_plausible" in bad.stdout + bad.stderr
    assert mart_fingerprint(copy) == before

    one_export = tmp_path / "one_export"
    one_export.mkdir()
    oldest = sorted((shared / "leaderboard").rglob("*.csv"))[0]
    shutil.copy(oldest, one_export / oldest.name)
    later = run_cli("backfill-leaderboard", str(one_export), "--warehouse", str(copy))
    assert later.returncode == 0, later.stdout[-2000:] + later.stderr[-2000:]
    assert mart_fingerprint(copy) == before, "the later valid build read nothing of the rejected crawl"


def test_observatory_sql_cannot_write_the_real_warehouse_file(real, tmp_path):
    """The fault as found: `copy ... to '<the warehouse file>'` overwrote the warehouse. Now it is refused and
    the file keeps every byte."""
    warehouse, _ = real
    copy = tmp_path / "real.duckdb"
    shutil.copy(warehouse, copy)
    before = copy.read_bytes()
    out = run_cli("sql", f"copy (select 'x') to '{copy}' (format csv)", "--live", "--warehouse", str(copy),
                  timeout=120)
    assert out.returncode != 0 and "only reads" in out.stderr
    assert copy.read_bytes() == before
    answer = run_cli("sql", "select count(*) from marts.mart_ecosystem_summary", "--live", "--warehouse", str(copy),
                     timeout=120)
    assert answer.returncode == 0 and "3" in answer.stdout
