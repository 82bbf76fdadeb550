"""On the real extracts: a demo killed with SIGKILL in the middle of its Hub crawl never blocks the next run
with the same DAGSTER_HOME: the next command marks the orphan failed, frees its pool slot, resumes the crawl
from its checkpoint, and ends with marts equal to those of a clean run (the session's real-data warehouse)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import dagster as dg
import pytest

from tests.conftest import ROOT, mart_fingerprint, project_env, run_cli

pytestmark = pytest.mark.acceptance


def test_kill_9_during_the_real_crawl_then_a_rerun_finishes_and_equals_a_clean_run(real, tmp_path):
    clean, shared = real
    warehouse = tmp_path / "killed.duckdb"
    inputs = ["--hub-dump", str(shared / "hub_dump"), "--leaderboard-archive", str(shared / "leaderboard"),
              "--warehouse", str(warehouse)]
    victim = subprocess.Popen([sys.executable, "-m", "orchestration.cli", "demo", *inputs, "--verbose"], cwd=ROOT,
                              env=project_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    deadline = time.monotonic() + 600
    for line in victim.stdout:
        if "hub models: page" in line or time.monotonic() > deadline:
            break
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)

    home = tmp_path / "dagster_home"  # beside the warehouse: the same for the rerun
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])), \
            "the killed run is left STARTED (the fault this test guards against)"

    rerun = run_cli("demo", *inputs, timeout=900)
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    text = rerun.stdout + rerun.stderr
    assert "is gone" in text and "Marked failed" in text, "the orphaned run is named and failed"
    assert "resuming crawl" in text, "the crawl resumed from its checkpoint"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert not instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
    assert mart_fingerprint(warehouse) == mart_fingerprint(clean)
