"""A warehouse built from good generated data (built once), and per-test copies to corrupt."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import mart_fingerprint as fingerprint
from tests.integration.test_pipeline import run_demo


@pytest.fixture(scope="session")
def good(small_dump, small_archive, tmp_path_factory, dbt_manifest):
    """A warehouse built from good data, and the inputs it was built from."""
    root = tmp_path_factory.mktemp("gates")
    warehouse = root / "good.duckdb"
    run_demo("--hub-dump", str(small_dump[0]), "--leaderboard-archive", str(small_archive),
             "--warehouse", str(warehouse))
    return warehouse, small_dump[0], small_archive


@pytest.fixture()
def case(good, tmp_path):
    """A copy of the good warehouse and of its inputs, for one corruption."""
    warehouse, dump, archive = good
    copy = tmp_path / "w.duckdb"
    shutil.copy(warehouse, copy)
    shutil.copytree(dump, tmp_path / "hub_dump")
    shutil.copytree(archive, tmp_path / "leaderboard")
    # one good export, for the valid build that follows a rejected batch
    oldest = sorted(archive.rglob("*.csv"))[0]
    (tmp_path / "one_good_export").mkdir()
    shutil.copy(oldest, tmp_path / "one_good_export" / oldest.name)
    return copy, tmp_path / "hub_dump", tmp_path / "leaderboard", fingerprint(warehouse)
