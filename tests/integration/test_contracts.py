"""A change that renames or retypes a mart's column fails `dbt build` with the contract error, naming the mart and
the column, and leaves the published table as it was."""

from __future__ import annotations

import shutil
import subprocess

import duckdb

from orchestration.dbt.project import DBT_PROJECT_DIR, dbt_executable
from tests.conftest import project_env


def wrap(project, mart: str, select: str) -> None:
    """Replace a mart's SQL by ``select`` over what it used to produce (``original``)."""
    path = project / "models" / "marts" / f"{mart}.sql"
    path.write_text(f"{select} from (\n{path.read_text()}\n) as original\n")


def test_breaking_a_marts_column_fails_the_build_naming_the_mart_and_the_column(good, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(good[0], warehouse)
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    wrap(project, "mart_ecosystem_summary", "select * rename (n_authors as authors)")
    wrap(project, "mart_downloads_by_size", "select * replace (cast(downloads as varchar) as downloads)")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before = con.execute("select * from marts.mart_ecosystem_summary order by all").fetchall()

    out = subprocess.run(
        [dbt_executable(), "build", "--select", "mart_ecosystem_summary", "mart_downloads_by_size",
         "--exclude-resource-type", "unit_test", "--project-dir", str(project), "--profiles-dir", str(project)],
        cwd=project, env=project_env(OBSERVATORY_WAREHOUSE=str(warehouse)), capture_output=True, text=True,
        timeout=600)
    log = out.stdout + out.stderr
    assert out.returncode != 0, log[-3000:]
    assert "enforced contract that failed" in log
    failures = {part.split(" ", 1)[0]: part for part in log.split("Failure in model ")[1:]}
    assert set(failures) == {"mart_ecosystem_summary", "mart_downloads_by_size"}, log[-3000:]
    assert "| n_authors   |                 | BIGINT        | missing in definition |" in failures[
        "mart_ecosystem_summary"]
    assert "| downloads   | VARCHAR         | HUGEINT       | data type mismatch |" in failures["mart_downloads_by_size"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select * from marts.mart_ecosystem_summary order by all").fetchall() == before
