"""The real-data warehouse, built once for every acceptance module (the demo on ../shared/data)."""

from __future__ import annotations

import pytest

from tests.conftest import build_once
from tests.integration.test_pipeline import run_demo


@pytest.fixture(scope="session")
def real(shared_data, tmp_path_factory, dbt_manifest):
    """A warehouse built by `observatory demo` from the real Hub dump and leaderboard archive, once per test
    session (every test only reads it, or copies it)."""
    def build(folder):
        run_demo("--hub-dump", str(shared_data / "hub_dump"), "--leaderboard-archive",
                 str(shared_data / "leaderboard"), "--warehouse", str(folder / "real.duckdb"))

    return build_once(tmp_path_factory, "real", build) / "real.duckdb", shared_data
