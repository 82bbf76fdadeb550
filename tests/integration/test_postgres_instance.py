"""The production instance, tested: Dagster's run, event-log and schedule storage on PostgreSQL (the storage of
deploy/dagster-postgres.yaml with the project's instance template), a local PostgreSQL server started for the
test, the demo's job run on it, and its run history read back from PostgreSQL."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.integration


def postgres_bin(name: str) -> str:
    """A PostgreSQL server program (Debian's `postgresql` package: .ci/run installs it when absent)."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)),
                                        None)
    if found:
        return found
    reason = f"no PostgreSQL server ({name}) found: install Debian's `postgresql` package; `.ci/run` installs it"
    if os.environ.get("OBSERVATORY_POSTGRES_REQUIRED"):
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL server on a free local port, with a `dagster` database (trust auth, local only)."""
    initdb, pg_ctl = postgres_bin("initdb"), postgres_bin("pg_ctl")
    root = Path(tempfile.mkdtemp(prefix="observatory-pg-"))  # in the temporary folder: its user must reach it
    as_server = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: its own user runs it
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        as_server = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()
    subprocess.run([*as_server, initdb, "-D", str(data), "-U", "dagster", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    subprocess.run([*as_server, pg_ctl, "-D", str(data), "-l", str(root / "server.log"), "-w", "-o",
                    f"-p {port} -k {root} -c listen_addresses=127.0.0.1", "start"], check=True, capture_output=True)
    try:
        import psycopg2

        con = psycopg2.connect(host="127.0.0.1", port=port, user="dagster", dbname="postgres")
        con.autocommit = True  # CREATE DATABASE runs outside a transaction
        con.cursor().execute("create database dagster")
        con.close()
        yield {"DAGSTER_PG_HOST": "127.0.0.1", "DAGSTER_PG_PORT": str(port), "DAGSTER_PG_USER": "dagster",
               "DAGSTER_PG_PASSWORD": "", "DAGSTER_PG_DB": "dagster"}
    finally:
        subprocess.run([*as_server, pg_ctl, "-D", str(data), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def test_the_demo_runs_on_a_postgres_instance_and_its_history_reads_back(postgres, small_dump, tmp_path,
                                                                          monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((ROOT / "orchestration" / "dagster.yaml").read_text() + "\n"
                                       + (ROOT / "deploy" / "dagster-postgres.yaml").read_text())
    out = run_cli("demo", "--hub-dump", str(small_dump[0]), "--warehouse", str(tmp_path / "w.duckdb"),
                  env_extra={"DAGSTER_HOME": str(home), **postgres})
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert not (home / "history").exists() and not list(home.rglob("*.db")), "nothing stored in SQLite"

    for name, value in postgres.items():
        monkeypatch.setenv(name, value)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
        (run,) = instance.get_runs(dg.RunsFilter(job_name="refresh_everything"))
        assert run.status == dg.DagsterRunStatus.SUCCESS
        assert instance.get_latest_materialization_event(dg.AssetKey(["published", "marts"])).run_id == run.run_id
        assert instance.get_latest_materialization_event(dg.AssetKey(["marts", "mart_ecosystem_summary"]))

    import psycopg2

    with psycopg2.connect(host="127.0.0.1", port=int(postgres["DAGSTER_PG_PORT"]), user="dagster",
                          dbname="dagster") as con:
        cur = con.cursor()
        cur.execute("select pipeline_name, status from runs order by pipeline_name")
        assert cur.fetchall() == [("leaderboard_dataset_load", "SUCCESS"), ("mteb_load", "SUCCESS"),
                                  ("refresh_everything", "SUCCESS")]
        cur.execute("select count(*) from event_logs where run_id = %s", [run.run_id])
        assert cur.fetchone()[0] > 100, "the run's events are in PostgreSQL"
