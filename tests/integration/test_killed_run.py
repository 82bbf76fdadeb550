"""A run killed with SIGKILL in the middle of its crawl never blocks the next: the next command marks it
failed, frees its pool slot, resumes the crawl from its checkpoint, and ends equal to a clean run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import dagster as dg
import pytest

from ingestion.standin.synthetic import write_hub_dump
from tests.conftest import ROOT, mart_fingerprint, project_env, run_cli

pytestmark = pytest.mark.integration


def test_kill_9_during_a_crawl_then_a_rerun_finishes_and_equals_a_clean_run(tmp_path, dbt_manifest):
    dump = tmp_path / "hub_dump"
    write_hub_dump(dump, n_models=30_000, seed=11)
    warehouse = tmp_path / "w.duckdb"
    args = [sys.executable, "-m", "orchestration.cli", "demo", "--hub-dump", str(dump), "--warehouse", str(warehouse),
            "--verbose"]
    victim = subprocess.Popen(args, cwd=ROOT, env=project_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)
    deadline = time.monotonic() + 300
    for line in victim.stdout:
        if "hub models: page" in line or time.monotonic() > deadline:
            break
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)

    with dg.DagsterInstance.from_config(str(tmp_path / "dagster_home")) as instance:
        stuck = instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
    assert stuck, "the killed run is left STARTED (the fault this test guards against)"

    rerun = run_cli("demo", "--hub-dump", str(dump), "--warehouse", str(warehouse), timeout=900)
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    text = rerun.stdout + rerun.stderr
    assert "is gone" in text and "Marked failed" in text, "the orphaned run is named and failed"
    assert "resuming crawl" in text, "the crawl resumed from its checkpoint"
    with dg.DagsterInstance.from_config(str(tmp_path / "dagster_home")) as instance:
        assert not instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))

    clean = tmp_path / "clean" / "w.duckdb"
    again = run_cli("demo", "--hub-dump", str(dump), "--warehouse", str(clean), timeout=900)
    assert again.returncode == 0, again.stderr[-3000:]
    assert mart_fingerprint(warehouse) == mart_fingerprint(clean)
