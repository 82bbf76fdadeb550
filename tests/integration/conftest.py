"""A warehouse built from good generated data (built once), and per-test copies to corrupt."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ingestion.settings import published_dir
from tests.conftest import build_once
from tests.conftest import mart_fingerprint as fingerprint
from tests.integration.test_pipeline import run_demo
from tests.support.gates import published_state


@pytest.fixture(scope="session")
def good_run(small_dump, small_archive, tmp_path_factory, dbt_manifest):
    """The demo on the small generated dump and archive, run once for every test that only reads what it
    built (tests that change a warehouse work on a copy): the warehouse and the demo's output."""
    def build(folder):
        out = run_demo("--hub-dump", str(small_dump[0]), "--leaderboard-archive", str(small_archive),
                       "--warehouse", str(folder / "good.duckdb"))
        (folder / "demo.stdout").write_text(out.stdout)
        (folder / "demo.stderr").write_text(out.stderr)

    folder = build_once(tmp_path_factory, "good", build)
    out = subprocess.CompletedProcess(args=["observatory", "demo"], returncode=0,
                                      stdout=(folder / "demo.stdout").read_text(),
                                      stderr=(folder / "demo.stderr").read_text())
    return folder / "good.duckdb", out


@pytest.fixture(scope="session")
def good(good_run, small_dump, small_archive):
    """A warehouse built from good data, and the inputs it was built from."""
    return good_run[0], small_dump[0], small_archive


@pytest.fixture()
def case(good, tmp_path):
    """A copy of the good warehouse (with its published marts) and of its inputs, for one corruption:
    (warehouse, Hub dump, leaderboard archive, fingerprint of the marts, state of the publication)."""
    warehouse, dump, archive = good
    copy = tmp_path / "w.duckdb"
    shutil.copy(warehouse, copy)
    # and its published marts, to see that a failed run publishes nothing
    shutil.copytree(published_dir(warehouse), published_dir(copy), symlinks=True)
    shutil.copytree(dump, tmp_path / "hub_dump")
    shutil.copytree(archive, tmp_path / "leaderboard")
    # one good export, for the valid build that follows a rejected batch
    oldest = sorted(archive.rglob("*.csv"))[0]
    (tmp_path / "one_good_export").mkdir()
    shutil.copy(oldest, tmp_path / "one_good_export" / oldest.name)
    return copy, tmp_path / "hub_dump", tmp_path / "leaderboard", fingerprint(warehouse), published_state(copy)
