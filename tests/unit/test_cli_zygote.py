"""The tests' command zygote (tests/support/cli_zygote.py) runs a command as a new interpreter would: the same
exit status and output, the request's environment and nothing of the zygote's, and a command that overruns
its time is stopped with what it started."""

from __future__ import annotations

import subprocess
import sys
import time

import duckdb
import pytest

from ingestion.standin.synthetic import write_hub_dump
from tests.conftest import ROOT, project_env
from tests.support.cli_zygote import Zygote


@pytest.fixture(scope="module")
def zygote():
    process = Zygote(ROOT, project_env())
    yield process
    process.close()
    assert not process.alive()


def fresh(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orchestration.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_failing_command_exits_and_says_what_a_new_interpreter_says(zygote, tmp_path):
    args = ["demo", "--hub-dump", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")]
    forked = zygote.run(args, ROOT, project_env(), timeout=120)
    new = fresh(*args, env=project_env())
    assert forked.returncode == new.returncode == 1
    assert f"{tmp_path} is not a Hub dump" in forked.stderr
    assert forked.stderr == new.stderr and forked.stdout == new.stdout
    assert zygote.cpu_seconds > 0


def test_the_command_sees_the_requests_environment_not_the_zygotes(zygote, tmp_path):
    warehouse = tmp_path / "named_by_the_environment.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table answer as select 42 as answer")
    out = zygote.run(["sql", "select answer from answer", "--live"], tmp_path,
                     project_env(OBSERVATORY_WAREHOUSE=str(warehouse)), timeout=120)
    assert out.returncode == 0, out.stderr
    assert "42" in out.stdout
    # and the next request runs in its own environment, not in the last one's
    other = tmp_path / "another.duckdb"
    duckdb.connect(str(other)).close()
    out = zygote.run(["sql", "select answer from answer", "--live"], tmp_path,
                     project_env(OBSERVATORY_WAREHOUSE=str(other)), timeout=120)
    assert out.returncode != 0 and "answer" in out.stderr


def test_a_command_past_its_time_is_stopped_and_the_next_one_runs(zygote, tmp_path):
    write_hub_dump(tmp_path / "hub_dump", n_models=20, seed=1)
    with pytest.raises(subprocess.TimeoutExpired):  # the stand-in serves until it is stopped
        zygote.run(["serve-hub", str(tmp_path / "hub_dump")], ROOT, project_env(), timeout=3)
    out = zygote.run(["demo", "--hub-dump", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")], ROOT,
                     project_env(), timeout=120)
    assert out.returncode == 1 and "is not a Hub dump" in out.stderr


def test_a_new_zygotes_imports_do_not_count_against_its_first_commands_time(tmp_path):
    """A new zygote answers its first request only after importing Dagster and the rest (seconds, more on a busy
    machine). A first command given less time than that still gets its own time, and the command after it
    gets its own answer (a late answer once put the protocol out of step: the next command read it as its own)."""
    write_hub_dump(tmp_path / "hub_dump", n_models=20, seed=1)
    process = Zygote(ROOT, project_env())
    try:
        began = time.monotonic()
        with pytest.raises(subprocess.TimeoutExpired):
            process.run(["serve-hub", str(tmp_path / "hub_dump")], ROOT, project_env(), timeout=0.5)
        assert time.monotonic() - began > 1, "the command got its 0.5 s after the zygote's imports, not during them"
        out = process.run(["demo", "--hub-dump", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")], ROOT,
                          project_env(), timeout=120)
        assert out.returncode == 1 and "is not a Hub dump" in out.stderr
    finally:
        process.close()
