"""Two overlapping runs on one warehouse (a schedule firing while a backfill runs): both complete,
the second waits for the first's writes and says so, and no data is lost or doubled."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT, project_env
from tests.integration.test_quality_gates import fingerprint

pytestmark = pytest.mark.integration


def test_two_overlapping_runs_complete_without_a_lock_error(small_dump, small_archive, good, tmp_path, dbt_manifest):
    warehouse = tmp_path / "shared.duckdb"
    env = project_env()
    # a copy of the dump: the stand-in's port follows from its path, and the session's dump is the
    # rerun test's (tests/integration/test_pipeline.py), which must find its port free
    dump = tmp_path / "hub_dump"
    shutil.copytree(small_dump[0], dump)
    args = [sys.executable, "-m", "orchestration.cli", "demo", "--hub-dump", str(dump),
            "--leaderboard-archive", str(small_archive), "--warehouse", str(warehouse)]
    first = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    second = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    outputs = [p.communicate(timeout=1200)[0] for p in (first, second)]
    for proc, out in zip((first, second), outputs, strict=True):
        assert proc.returncode == 0, out[-4000:]
        assert "Could not set lock" not in out and "Conflicting lock" not in out
    assert any("waiting for the warehouse write lock" in out for out in outputs), "a run that waited says so"
    assert any("waited" in out and "for the warehouse write lock" in out for out in outputs)

    # the same marts as one run alone (the session's demo on the same inputs), and each model landed once
    assert fingerprint(warehouse) == fingerprint(good[0])
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*), count(distinct model_id) from raw.hub_models").fetchone() == (
            small_dump[1].n_models, small_dump[1].n_models)
        assert con.execute("select count(*) from raw.hub_crawls where status = 'complete'").fetchone() == (2,)
