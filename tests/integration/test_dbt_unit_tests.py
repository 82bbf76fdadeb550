"""dbt's unit tests (hand-worked inputs and expected rows for the lineage rule and seven marts) run here,
once, against a copy of a built warehouse; the pipeline's builds leave them out (they check SQL, not data)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from orchestration.dbt.project import DBT_PROJECT_DIR, dbt_executable
from tests.conftest import project_env

pytestmark = pytest.mark.integration


def test_every_dbt_unit_test_passes(good, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(good[0], warehouse)
    target = tmp_path / "target"
    out = subprocess.run([dbt_executable(), "test", "--select", "test_type:unit", "--project-dir", str(DBT_PROJECT_DIR),
                          "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target)],
                         cwd=DBT_PROJECT_DIR, env=project_env(OBSERVATORY_WAREHOUSE=str(warehouse)),
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-4000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest = json.loads((target / "manifest.json").read_text())
    assert len(results) == len(manifest["unit_tests"]) >= 16, "every unit test ran"
    assert {r["status"] for r in results} == {"pass"}
